using System.Text.Json;
using System.Text.Json.Nodes;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// `summit-dr drill` on the real engine: a backup is restored into scratch containers beside the live
/// platform, proved against its manifest, and everything it created is removed, whatever happens.
/// </summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class DrillTests
{
    [Test]
    public async Task A_drill_of_a_good_backup_proves_it_and_leaves_nothing_behind_and_the_live_platform_untouched()
    {
        await using var platform = await Platform.StartAsync();
        await BackUpAsync(platform);
        var before = await EngineTracesAsync();
        var live = await PlatformState.CaptureAsync(platform);
        var startedAt = await StartedAtAsync(platform.Neo4j);

        using var run = await ToolRun.RunAsync(platform.WorkDir, "drill", "latest", "--json");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        var checks = root.GetProperty("checks").EnumerateArray().ToDictionary(
            c => c.GetProperty("name").GetString()!, c => c.GetProperty("passed").GetBoolean());
        Assert.Multiple(async () =>
        {
            Assert.That(root.GetProperty("status").GetString(), Is.EqualTo("proven"));
            Assert.That(root.GetProperty("totalSeconds").GetDouble(), Is.GreaterThan(0).And.LessThan(600));
            Assert.That(root.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()),
                Is.SupersetOf(new[] { "restore postgres", "restore neo4j", "restore uploads" }));
            Assert.That(checks.Keys, Is.SupersetOf(new[]
            {
                "postgres tables", "postgres rows public.users", "postgres rows public.tenants", "postgres rows public.risk_signals",
                "neo4j nodes", "neo4j relationships", "uploads files", "uploads tree hash",
            }));
            Assert.That(checks.Values, Is.All.True);
            Assert.That(await EngineTracesAsync(), Is.EqualTo(before), "no container, volume or directory is left");
            Assert.That(await StartedAtAsync(platform.Neo4j), Is.EqualTo(startedAt), "live Neo4j was never stopped");
        });
        live.AssertEqual(await PlatformState.CaptureAsync(platform), "the live platform after the drill");

        using var list = await ToolRun.RunAsync(platform.WorkDir, "list");
        Assert.That(list.Stdout, Does.Contain("LAST DRILLED").And.Contain("just now: proven"));
        using var drill = JsonDocument.Parse(
            File.ReadAllText(Path.Combine(platform.BackupRoot, platform.VisibleBackups().Single(), "drill.json")));
        Assert.That(drill.RootElement.GetProperty("result").GetString(), Is.EqualTo("proven"));
    }

    [Test]
    public async Task A_drill_with_smoke_queries_runs_them_and_a_legacy_backup_is_drilled_with_what_it_can_show()
    {
        await using var platform = await Platform.StartAsync();
        var good = await BackUpAsync(platform);
        var legacy = BackupFiles.Copy(good, platform.BackupRoot, "20250101_000000");
        File.Delete(Path.Combine(legacy, "manifest.json"));
        var before = await EngineTracesAsync();

        using var run = await ToolRun.RunAsync(platform.WorkDir, "drill", "backups/20250101_000000", "--json",
            "--set", "Drill:Sql=SELECT id FROM users LIMIT 1", "--set", "Drill:Cypher=MATCH (n) RETURN count(n)");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Multiple(async () =>
        {
            Assert.That(root.GetProperty("factsRecorded").GetBoolean(), Is.False);
            Assert.That(root.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()), Has.Some.Contains("no facts were " +
                "recorded to compare with"));
            Assert.That(root.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()),
                Is.SupersetOf(new[] { "postgres smoke query", "neo4j smoke query" }));
            Assert.That(root.GetProperty("checks").EnumerateArray().All(c => c.GetProperty("passed").GetBoolean()), Is.True);
            Assert.That(await EngineTracesAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task With_the_live_containers_gone_the_drill_runs_only_the_configured_images_never_the_manifests()
    {
        await using var platform = await Platform.StartAsync();
        await BackUpAsync(platform);
        await Sh.DockerRequireAsync("rm", "--force", "--volumes", platform.Postgres, platform.Neo4j);
        var before = await EngineTracesAsync();

        using var unset = await ToolRun.RunAsync(platform.WorkDir, "drill", "latest");
        using var run = await ToolRun.RunAsync(
            platform.WorkDir, "drill", "latest", "--json", "--set", "Drill:PostgresImage=" + Repo.PostgresImage, "--set",
            "Drill:Neo4jImage=" + Repo.Neo4jImage);

        Assert.That(unset.ExitCode, Is.EqualTo(3), unset.Describe());
        Assert.That(unset.Stderr, Does.Contain("set Drill:PostgresImage to the image to drill with").And.Contain("never takes the image " +
            "a manifest names"));
        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        using var json = JsonDocument.Parse(run.Stdout);
        var images = json.RootElement.GetProperty("images").EnumerateArray().Select(i => i.GetString()).ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(images, Has.Some.Contains($"image {Repo.PostgresImage} from the configuration (Drill:PostgresImage)"));
            Assert.That(images, Has.Some.Contains($"image {Repo.Neo4jImage} from the configuration (Drill:Neo4jImage)"));
            Assert.That(json.RootElement.GetProperty("checks").EnumerateArray().All(c => c.GetProperty("passed").GetBoolean()), Is.True);
            Assert.That(await EngineTracesAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task A_drill_of_a_backup_whose_neo4j_dump_is_damaged_fails_with_4_and_leaves_nothing()
    {
        await using var platform = await Platform.StartAsync();
        var good = await BackUpAsync(platform);
        var damaged = BackupFiles.Copy(good, platform.BackupRoot, "20250101_000001");
        var dump = Path.Combine(damaged, "neo4j.dump");
        var bytes = File.ReadAllBytes(dump);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(dump, bytes);
        var before = await EngineTracesAsync();
        var live = await PlatformState.CaptureAsync(platform);

        using var run = await ToolRun.RunAsync(platform.WorkDir, "drill", "backups/20250101_000001");

        live.AssertEqual(await PlatformState.CaptureAsync(platform), "the live platform after the failed drill");

        Assert.Multiple(async () =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(4), run.Describe());
            Assert.That(run.Stderr, Does.Contain("neo4j.dump does not match its SHA-256 in the manifest"));
            Assert.That(await EngineTracesAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task A_drill_of_a_backup_whose_rows_differ_from_its_manifest_fails_with_4_naming_the_table()
    {
        await using var platform = await Platform.StartAsync();
        var good = await BackUpAsync(platform);
        var edited = BackupFiles.Copy(good, platform.BackupRoot, "20250101_000002");
        BackupFiles.EditManifest(edited, manifest =>
        {
            var rows = manifest["postgres"]!["rowCounts"]!;
            rows["public.users"] = JsonValue.Create(rows["public.users"]!.GetValue<long>() + 1);
        });
        var before = await EngineTracesAsync();

        using var run = await ToolRun.RunAsync(platform.WorkDir, "drill", "backups/20250101_000002");

        Assert.Multiple(async () =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(4), run.Describe());
            Assert.That(run.Stderr, Does.Contain("FAIL postgres rows public.users: table public.users:").And.Contain("does not match its " +
                "manifest"));
            Assert.That(await EngineTracesAsync(), Is.EqualTo(before));
        });
        Assert.That(File.ReadAllText(Path.Combine(edited, "drill.json")), Does.Contain("\"result\": \"mismatch\""));
    }

    [TestCase(ToolRun.CtrlC, TestName = "Ctrl+C mid-drill removes what it created")]
    [TestCase("TERM", TestName = "SIGTERM mid-drill removes what it created")]
    public async Task A_signal_mid_drill_removes_what_it_created(string signal)
    {
        await using var platform = await Platform.StartAsync();
        await BackUpAsync(platform);
        var before = await EngineTracesAsync();
        var live = await PlatformState.CaptureAsync(platform);
        var startedAt = await StartedAtAsync(platform.Neo4j);

        using var run = ToolRun.Start(platform.WorkDir, ["drill", "latest"]);
        await WaitForScratchAsync(run);
        await run.SignalAsync(signal);
        await run.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Multiple(async () =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(130), run.Describe());
            Assert.That(await EngineTracesAsync(), Is.EqualTo(before));
            Assert.That(await StartedAtAsync(platform.Neo4j), Is.EqualTo(startedAt), "live Neo4j was never stopped");
        });
        live.AssertEqual(await PlatformState.CaptureAsync(platform), "the live platform after the interrupted drill");
    }

    [Test]
    public async Task A_drill_left_by_a_killed_run_is_removed_by_the_next_run_of_any_command()
    {
        await using var platform = await Platform.StartAsync();
        await BackUpAsync(platform);
        var before = await EngineTracesAsync();

        using (var killed = ToolRun.Start(platform.WorkDir, ["drill", "latest"]))
        {
            await WaitForScratchAsync(killed);
            await killed.SignalAsync("KILL");
            await killed.WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.That(await EngineTracesAsync(), Is.Not.EqualTo(before), "the killed drill left its scratch behind");

        using var next = await ToolRun.RunAsync(platform.WorkDir, "list");

        Assert.That(next.ExitCode, Is.Zero, next.Describe());
        Assert.That(await EngineTracesAsync(), Is.EqualTo(before), "the next command removed the leftovers\n" + next.Stderr);
    }

    [Test]
    public async Task With_keep_the_scratch_stays_for_inspection_and_later_runs_leave_it_alone()
    {
        await using var platform = await Platform.StartAsync();
        await BackUpAsync(platform);
        var before = await EngineTracesAsync();

        using var run = await ToolRun.RunAsync(platform.WorkDir, "drill", "latest", "--keep", "--json");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        using var json = JsonDocument.Parse(run.Stdout);
        var kept = json.RootElement.GetProperty("kept");
        var containers = kept.GetProperty("containers").EnumerateArray().Select(c => c.GetString()!).ToList();
        var volumes = kept.GetProperty("volumes").EnumerateArray().Select(v => v.GetString()!).ToList();
        try
        {
            using var next = await ToolRun.RunAsync(platform.WorkDir, "list");
            Assert.Multiple(async () =>
            {
                Assert.That(containers, Has.Count.EqualTo(2));
                Assert.That(run.Stderr, Does.Contain("Kept for inspection").And.Contain("docker rm -f"));
                foreach (var container in containers)
                {
                    Assert.That(await platform.IsRunningAsync(container), Is.True, container + " is kept, running");
                }

                Assert.That(Directory.Exists(kept.GetProperty("directory").GetString()), Is.True);
            });
        }
        finally
        {
            var workbenches = (await Sh.DockerAsync("ps", "-a", "--filter", "name=summit-dr-admin-summit-dr-drill-", "--format",
                "{{.Names}}")).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            await Sh.DockerAsync(["rm", "-f", .. workbenches.Where(w => containers.Any(c => w.Contains(c, StringComparison.Ordinal))),
                .. containers]);
            await Sh.DockerAsync(["volume", "rm", .. volumes]);
            Directory.Delete(kept.GetProperty("directory").GetString()!, recursive: true);
        }

        Assert.That(await EngineTracesAsync(), Is.EqualTo(before));
    }

    private static async Task<string> BackUpAsync(Platform platform)
    {
        using var backup = await ToolRun.RunAsync(platform.WorkDir, "backup");
        Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        return Path.Combine(platform.BackupRoot, platform.VisibleBackups().Single());
    }

    /// <summary>Every container and volume on the engine and every drill directory in the temp dir, as one comparable text.</summary>
    private static async Task<string> EngineTracesAsync()
    {
        var containers = await Sh.DockerRequireAsync("ps", "-a", "--format", "{{.Names}}");
        var volumes = await Sh.DockerRequireAsync("volume", "ls", "-q");
        var directories = Directory.GetDirectories(Path.GetTempPath(), "summit-dr-drill-*").Select(Path.GetFileName);
        return string.Join('\n', containers.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(IsDrill).Order())
            + "\n--\n" + string.Join('\n', volumes.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(IsDrill).Order())
            + "\n--\n" + string.Join('\n', directories.Order());

        // Only what a drill creates is compared: the platforms of other fixtures come and go.
        static bool IsDrill(string name) => name.Contains("summit-dr-drill-", StringComparison.Ordinal);
    }

    private static async Task<string> StartedAtAsync(string container) =>
        (await Sh.DockerRequireAsync("inspect", "--format", "{{.State.StartedAt}}", container)).Trim();

    private static async Task WaitForScratchAsync(ToolRun run)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await Sh.DockerRequireAsync("ps", "-a", "--filter", "label=summit-dr.drill", "--format", "{{.Names}}")).Contains(
            "-neo4j", StringComparison.Ordinal))
        {
            Assert.That(run.HasExited || DateTime.UtcNow > deadline, Is.False, "the drill never created its scratch " +
                "containers\n" + run.Describe());
            await Task.Delay(50);
        }
    }
}
