using System.Text.Json;
using Summit.Dr.Model;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

[TestFixture]
[CancelAfter(300_000)]
public sealed class BackupRoundTripTests
{
    [Test]
    public async Task A_backup_of_a_seeded_platform_restores_by_hand_to_the_same_content()
    {
        await using var platform = await Platform.StartAsync();
        var tables = await platform.TableChecksumsAsync();
        var uploads = Platform.HashTree(platform.Uploads);

        using var run = await ToolRun.RunAsync(platform.WorkDir, "backup");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        var backup = Path.Combine(platform.BackupRoot, platform.VisibleBackups().Single());
        Assert.That(Path.GetFileName(backup), Does.Match(@"^\d{8}_\d{6}$"));
        Assert.That(Directory.GetFiles(backup).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { "postgres.dump", "neo4j.dump", "uploads.tar.gz", "manifest.json", "summit-dr.log" }));
        Assert.That(await platform.Neo4jAnswersAsync(), Is.True, "Neo4j answers after the backup");

        // PostgreSQL: pg_restore into a scratch database, as the runbook's restore would.
        await platform.PsqlAsync("CREATE DATABASE scratch", "postgres");
        await using (var dump = File.OpenRead(Path.Combine(backup, "postgres.dump")))
        {
            var restore = await Sh.RunAsync(
                "docker", ["exec", "-i", platform.Postgres, "pg_restore", "-U", platform.User, "-d", "scratch", "--no-owner",
                    "--exit-on-error"], stdin: dump);
            Assert.That(restore.ExitCode, Is.Zero, restore.StandardError);
        }

        Assert.That(await platform.TableChecksumsAsync("scratch"), Is.EqualTo(tables));

        // Neo4j: neo4j-admin load into a scratch volume, then a server on that volume.
        var volume = platform.Prefix + "-scratch";
        var scratch = platform.Prefix + "-scratch-neo4j";
        try
        {
            await Sh.DockerRequireAsync("volume", "create", volume);
            await using (var dump = File.OpenRead(Path.Combine(backup, "neo4j.dump")))
            {
                var load = await Sh.RunAsync("docker", ["run", "--rm", "-i", "--network", "none", "-v", volume + ":/data", Repo.Neo4jImage,
                    "neo4j-admin", "database", "load", "neo4j", "--from-stdin", "--overwrite-destination=true"], stdin: dump);
                Assert.That(load.ExitCode, Is.Zero, load.StandardError);
            }

            await Sh.DockerRequireAsync(
                "run", "-d", "--name", scratch, "--network", "none", "-v", volume + ":/data", "-e",
                $"NEO4J_AUTH=neo4j/{platform.Neo4jPassword}", Repo.Neo4jImage);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await Sh.DockerAsync(
                "exec", "-e", "NEO4J_PASSWORD=" + platform.Neo4jPassword, scratch, "cypher-shell", "-u", "neo4j",
                "RETURN 1")).ExitCode != 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }

            Assert.That(await platform.NodeCountAsync(scratch), Is.EqualTo(Platform.SeededNodes));
        }
        finally
        {
            await Sh.DockerAsync("rm", "--force", scratch);
            await Sh.DockerAsync("volume", "rm", volume);
        }

        // Uploads: GNU tar extracts the archive to the same tree.
        var extracted = Path.Combine(platform.WorkDir, "extracted");
        Directory.CreateDirectory(extracted);
        await Sh.RequireAsync("tar", "-xzf", Path.Combine(backup, "uploads.tar.gz"), "-C", extracted);
        Assert.That(Platform.HashTree(Path.Combine(extracted, "uploads")), Is.EquivalentTo(uploads));

        var manifest = JsonSerializer.Deserialize<BackupManifest>(
            File.ReadAllText(Path.Combine(backup, "manifest.json")), JsonDefaults.Options)!;
        Assert.Multiple(() =>
        {
            Assert.That(manifest.Neo4j.NodeCount, Is.EqualTo(Platform.SeededNodes));
            Assert.That(manifest.Postgres.TableCount, Is.EqualTo(3));
            Assert.That(manifest.Postgres.RowEstimates!["public.users"], Is.EqualTo(Platform.SeededUsers));
            Assert.That(manifest.Uploads.Files, Is.EqualTo(3));
            Assert.That(manifest.Neo4j.DowntimeSeconds, Is.GreaterThan(0));
            Assert.That(run.Stderr, Does.Contain("postgres dump").And.Contain("neo4j dump").And.Contain("uploads archive"),
                "one progress line per step");
            Assert.That(run.Stderr, Does.Contain("Backup complete: " + backup));
        });
    }

    [Test]
    public async Task A_slow_neo4j_shutdown_longer_than_dockers_default_still_yields_a_clean_dump()
    {
        await using var platform = await Platform.StartAsync();
        await platform.SetKnobAsync("shutdown-slow", "14");

        using var run = await ToolRun.RunAsync(platform.WorkDir, "backup", "--only", "neo4j", "--json");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Multiple(async () =>
        {
            Assert.That(json.RootElement.GetProperty("neo4jDowntimeSeconds").GetDouble(), Is.GreaterThan(14));
            Assert.That(await platform.Neo4jAnswersAsync(), Is.True);
            Assert.That(await platform.NodeCountAsync(), Is.EqualTo(Platform.SeededNodes));
        });
    }

    [Test]
    public async Task A_stop_timeout_too_short_for_a_clean_shutdown_fails_and_neo4j_is_running_again()
    {
        // The other side of the previous test: a killed Neo4j refuses to be dumped, which is why the
        // tool's stop timeout defaults to 120 s rather than docker's 10 s.
        await using var platform = await Platform.StartAsync();
        await platform.SetKnobAsync("shutdown-slow", "8");

        using var run = await ToolRun.RunAsync(platform.WorkDir, "backup", "--only", "neo4j", "--set", "Neo4j:StopTimeoutSeconds=2");

        Assert.Multiple(async () =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(1), run.Describe());
            Assert.That(run.Stderr, Does.Contain("Active logical log detected"));
            Assert.That(await platform.Neo4jAnswersAsync(), Is.True);
            Assert.That(platform.VisibleBackups(), Is.Empty);
        });
    }

    [Test]
    public async Task On_a_terminal_the_live_line_shows_progress_and_never_tangles_with_log_lines()
    {
        await using var platform = await Platform.StartAsync();
        await platform.SetKnobAsync("dump-slow", "2");
        // Large and compressible enough (hex text is deflated, random bytes would be stored) that archiving it
        // takes a few redraws, so its percentage and time left show.
        await using (var big = File.Create(Path.Combine(platform.Uploads, "imports", "large-evidence.hex")))
        {
            var chunk = new byte[1 << 19];
            for (var i = 0; i < 400; i++)
            {
                System.Security.Cryptography.RandomNumberGenerator.Fill(chunk);
                await big.WriteAsync(System.Text.Encoding.ASCII.GetBytes(Convert.ToHexString(chunk)));
            }
        }

        var typescript = Path.Combine(platform.WorkDir, "typescript");

        // script(1) gives the tool a pseudo-terminal, as an interactive user has; 160 columns leave room for every step.
        var result = await Sh.RunAsync("script", ["-q", "-e", "-f", "-c", $"stty cols 160; dotnet {Repo.ToolDll} backup --workdir " +
            $"{platform.WorkDir}", typescript]);

        var raw = File.ReadAllText(typescript);
        var screen = Terminal.Render(raw);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, raw);
            // Ordinal: a culture-aware search ignores control characters and would find them anywhere.
            Assert.That(raw.Contains("\r\u001b[K", StringComparison.Ordinal), Is.True, "the live line is redrawn in place");
            Assert.That(raw, Does.Match(@"uploads archive \d+% \d+\.\d MiB/\d+\.\d MiB \d+\.\d MiB/s ETA \d+:\d\d"),
                "where the total is known: percentage, bytes of the total, rate and time left");
            Assert.That(raw, Does.Match(@"neo4j dump \d+ B"), "where it is not: the bytes so far");
            foreach (var logLine in new[] { "Stopping Neo4j container", "Starting Neo4j container", "Neo4j is answering " +
                "again", "Manifest written", "Backup complete:" })
            {
                Assert.That(screen.Where(l => l.Contains(logLine, StringComparison.Ordinal)), Has.All.StartsWith(logLine),
                    "log lines start at the left edge:\n" + string.Join('\n', screen));
            }

            Assert.That(screen.Where(l => l.Contains(" · ", StringComparison.Ordinal) || l.Contains(" ETA ", StringComparison.Ordinal)),
                Is.Empty,
                "no live line is left on screen once the run is over:\n" + string.Join('\n', screen));
            Assert.That(platform.VisibleBackups(), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Redirected_output_carries_no_control_characters()
    {
        await using var platform = await Platform.StartAsync();
        await platform.SetKnobAsync("dump-slow", "1");

        using var run = await ToolRun.RunAsync(platform.WorkDir, "backup");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        // Ordinal: a culture-aware search ignores control characters and would find them anywhere.
        Assert.That((run.Stderr + run.Stdout).IndexOfAny(['\u001b', '\r']), Is.EqualTo(-1));
        Assert.That(run.Stderr, Does.Contain("Stopping Neo4j container").And.Contain("Backup complete:"));
    }

    [Test]
    public async Task Output_writes_into_another_backup_root()
    {
        await using var platform = await Platform.StartAsync();
        var elsewhere = Path.Combine(platform.WorkDir, "offsite", "summit");

        using var run = await ToolRun.RunAsync(platform.WorkDir, "backup", "--output", elsewhere, "--only", "postgres");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        Assert.That(Directory.GetDirectories(elsewhere).Select(Path.GetFileName), Has.One.Match(@"^\d{8}_\d{6}$"));
        Assert.That(Directory.GetFiles(Directory.GetDirectories(elsewhere).Single()).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { "postgres.dump", "manifest.json", "summit-dr.log" }));
        Assert.That(platform.VisibleBackups(), Is.Empty);
    }
}
