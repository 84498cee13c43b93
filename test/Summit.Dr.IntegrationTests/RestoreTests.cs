using System.Text.Json;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>Restore on the real engine: round trips, rollback when a store fails, and the runbook's own backups.</summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class RestoreTests
{
    [Test]
    public async Task A_restore_brings_every_store_back_to_the_backed_up_state()
    {
        await using var platform = await Platform.StartAsync();
        var seeded = await PlatformState.CaptureAsync(platform);
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        await platform.ChangeEverythingAsync();
        var changed = await PlatformState.CaptureAsync(platform);
        Assert.That(changed.Tables, Is.Not.EqualTo(seeded.Tables), "the test changed the database");

        using var run = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest", "--yes", "--json");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        seeded.AssertEqual(await PlatformState.CaptureAsync(platform), "after the restore");
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        var kept = await platform.KeptTracesAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(root.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(1));
            Assert.That(root.GetProperty("status").GetString(), Is.EqualTo("succeeded"));
            Assert.That(root.GetProperty("recoveryTimeObjectiveSeconds").GetDouble(), Is.EqualTo(600));
            Assert.That(root.GetProperty("totalSeconds").GetDouble(), Is.GreaterThan(0).And.LessThan(600));
            var steps = root.GetProperty("steps").EnumerateArray().Select(s => (Name: s.GetProperty("name").GetString()!,
                Start: s.GetProperty("start").GetDouble(), End: s.GetProperty("start").GetDouble() + s.GetProperty("seconds").GetDouble()))
                .ToList();
            Assert.That(steps.Select(s => s.Name), Is.SupersetOf(new[]
            {
                "lock the platform", "check postgres.dump", "check neo4j.dump", "check uploads.tar.gz", "neo4j load (staging)",
                "restore postgres", "restore neo4j", "restore uploads", "remove staging", "unlock the platform",
            }).And.Not.Contains("verify backup"), "the steps that did the work, not the phase made of them");
            Assert.That(steps.Any(a => steps.Any(b => a != b && a.Start < b.End && b.Start < a.End)), Is.True,
                "steps that ran side by side overlap in time");
            Assert.That(steps.Max(s => s.End), Is.LessThanOrEqualTo(root.GetProperty("totalSeconds").GetDouble() + 0.1));
            Assert.That(root.GetProperty("neo4jOffline").GetProperty("work").GetString(), Is.EqualTo("rename"), "loaded while Neo4j " +
                "served, swapped in by renames");
            Assert.That(root.GetProperty("checks").EnumerateArray().All(c => c.GetProperty("passed").GetBoolean()), Is.True);
            Assert.That(root.GetProperty("undoCommand").GetString(), Is.EqualTo("summit-dr undo"));
            Assert.That(root.TryGetProperty("safetyBackup", out var safety) ? safety.ValueKind : JsonValueKind.Null,
                Is.EqualTo(JsonValueKind.Null), "no copy by default: the replaced state is kept aside");
            Assert.That(platform.VisibleBackups(), Has.Count.EqualTo(1));
            Assert.That(kept.Databases, Has.Length.EqualTo(1), "the replaced database is kept under another name");
            Assert.That(kept.Neo4jEntries, Has.Length.EqualTo(2), "the replaced store and its transaction logs are kept within the volume");
            Assert.That(kept.UploadsSiblings, Has.Length.EqualTo(1), "the replaced tree is kept beside it");
            Assert.That(await platform.Neo4jAnswersAsync(), Is.True);
        });

        // Undo puts back exactly the state the restore replaced, and nothing is left kept.
        using var undo = await ToolRun.RunAsync(platform.WorkDir, "undo", "--yes");
        Assert.That(undo.ExitCode, Is.Zero, undo.Describe());
        changed.AssertEqual(await PlatformState.CaptureAsync(platform), "after undoing the restore");
        var left = await platform.KeptTracesAsync();
        Assert.That(left.Databases.Concat(left.Neo4jEntries).Concat(left.UploadsSiblings), Is.Empty, "undo leaves nothing behind");
        Assert.That(await platform.Neo4jAnswersAsync(), Is.True);
    }

    [Test]
    public async Task With_safety_backup_the_restore_also_writes_a_durable_copy_that_restores()
    {
        await using var platform = await Platform.StartAsync();
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        await platform.ChangeEverythingAsync();
        var changed = await PlatformState.CaptureAsync(platform);

        using var run = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest", "--yes", "--safety-backup", "--json");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        using var json = JsonDocument.Parse(run.Stdout);
        var safety = json.RootElement.GetProperty("safetyBackup").GetString()!;
        Assert.That(Path.GetFileName(safety), Does.EndWith("-safety"));
        Assert.That(File.ReadAllText(Path.Combine(safety, "manifest.json")), Does.Contain("\"kind\": \"safety\""));
        using var back = await ToolRun.RunAsync(platform.WorkDir, "restore", safety, "--yes");
        Assert.That(back.ExitCode, Is.Zero, back.Describe());
        changed.AssertEqual(await PlatformState.CaptureAsync(platform), "after restoring the safety backup");
    }

    [TestCase("never", TestName = "A neo4j load failing mid-restore puts every store back and leaves neo4j running")]
    [TestCase("auto", TestName = "A neo4j load into staging that fails touches nothing live and leaves neo4j running")]
    public async Task A_neo4j_load_failing_mid_restore_puts_every_store_back_and_leaves_neo4j_running(string snapshot)
    {
        await using var platform = await Platform.StartAsync();
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        await platform.ChangeEverythingAsync();
        var before = await PlatformState.CaptureAsync(platform);
        await platform.SetKnobAsync("load-fails-once");
        var started = await platform.StartedAtAsync(platform.Neo4j);

        using var run = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest", "--yes", "--set", "Neo4j:Snapshot=" + snapshot);

        Assert.Multiple(async () =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(1), run.Describe());
            Assert.That(run.Stderr, snapshot == "never"
                ? Does.Contain("Restore failed: neo4j-admin load of database 'neo4j' failed").And.Contain("back from the state kept " +
                    "aside: the platform is as it was before the restore")
                : Does.Contain("summit-dr: neo4j-admin load of database 'neo4j' failed"));
            Assert.That(await platform.StartedAtAsync(platform.Neo4j), snapshot == "never" ? Is.Not.EqualTo(started) : Is.EqualTo(started),
                "loaded in place, Neo4j was stopped; loaded into staging, it never was");
            Assert.That(await platform.Neo4jAnswersAsync(), Is.True);
            Assert.That(await platform.WorkbenchExistsAsync(), Is.False);
        });
        before.AssertEqual(await PlatformState.CaptureAsync(platform), "put back after the failed load");
        var left = await platform.KeptTracesAsync();
        Assert.That(left.Databases.Concat(left.Neo4jEntries).Concat(left.UploadsSiblings), Is.Empty, "nothing of the failed restore " +
            "stays behind");
    }

    [Test]
    public async Task Ctrl_C_during_the_restore_rolls_back_and_leaves_neo4j_running()
    {
        await using var platform = await Platform.StartAsync();
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        await platform.ChangeEverythingAsync();
        var before = await PlatformState.CaptureAsync(platform);
        await platform.SetKnobAsync("load-slow", "60");
        // Loaded in place, so the interruption meets stores already swapped in (a staging load is interrupted before the swap:
        // Neo4jSnapshotTests).
        using var run = ToolRun.Start(platform.WorkDir, ["restore", "latest", "--yes", "--set", "Neo4j:Snapshot=never"]);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await platform.AdminRunsAsync("load"))
        {
            Assert.That(run.HasExited || DateTime.UtcNow > deadline, Is.False, "the Neo4j load never started\n" + run.Describe());
            await Task.Delay(100);
        }

        await run.CtrlCAsync();
        await run.WaitAsync(TimeSpan.FromMinutes(3));

        Assert.Multiple(async () =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(130), run.Describe());
            Assert.That(run.Stderr, Does.Contain("Restore interrupted.").And.Contain("back from the state kept aside"));
            Assert.That(await platform.Neo4jAnswersAsync(), Is.True);
            Assert.That(await platform.WorkbenchExistsAsync(), Is.False);
        });
        before.AssertEqual(await PlatformState.CaptureAsync(platform), "rolled back after Ctrl+C");
    }

    [Test]
    public async Task A_backup_made_by_the_runbooks_commands_by_hand_restores()
    {
        await using var platform = await Platform.StartAsync();
        var seeded = await PlatformState.CaptureAsync(platform);
        var legacy = Path.Combine(platform.BackupRoot, "20250925_120000");
        Directory.CreateDirectory(legacy);
        await using (var dump = File.Create(Path.Combine(legacy, "postgres.dump")))
        {
            var pgDump = await Sh.RunAsync(
                "docker", ["exec", platform.Postgres, "pg_dump", "-U", platform.User, "-d", platform.Database, "-Fc"], stdout: dump);
            Assert.That(pgDump.ExitCode, Is.Zero, pgDump.StandardError);
        }

        await Sh.DockerRequireAsync("stop", "--time", "60", platform.Neo4j);
        await using (var dump = File.Create(Path.Combine(legacy, "neo4j.dump")))
        {
            var neoDump = await Sh.RunAsync(
                "docker", ["run", "--rm", "--network", "none", "--volumes-from", platform.Neo4j, Repo.Neo4jImage,
                "neo4j-admin", "database", "dump", "neo4j", "--to-stdout"], stdout: dump);
            Assert.That(neoDump.ExitCode, Is.Zero, neoDump.StandardError);
        }

        await Sh.DockerRequireAsync("start", platform.Neo4j);
        await Sh.RequireAsync(
            "tar", "-czf", Path.Combine(legacy, "uploads.tar.gz"), "-C", Path.Combine(platform.WorkDir, "server"), "uploads");
        while (!await platform.Neo4jAnswersAsync())
        {
            await Task.Delay(200);
        }

        await platform.ChangeEverythingAsync();

        using var run = await ToolRun.RunAsync(platform.WorkDir, "restore", "backups/20250925_120000", "--yes");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        Assert.That(run.Stderr, Does.Contain("has no manifest.json").And.Contain("no checksums"));
        seeded.AssertEqual(await PlatformState.CaptureAsync(platform), "after restoring the runbook's backup");
    }

    [Test]
    public async Task Without_a_terminal_and_without_yes_restore_refuses_and_touches_nothing()
    {
        await using var platform = await Platform.StartAsync();
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        await platform.ChangeEverythingAsync();
        var before = await PlatformState.CaptureAsync(platform);

        using var run = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest");

        Assert.That(run.ExitCode, Is.EqualTo(2), run.Describe());
        Assert.That(run.Stderr, Does.Contain("no terminal to confirm on. Pass --yes"));
        Assert.That(platform.VisibleBackups(), Has.Count.EqualTo(1), "not even a safety backup was taken");
        Assert.That(File.Exists(Path.Combine(platform.BackupRoot, ".summit-dr-undo.json")), Is.False, "nothing was kept aside");
        before.AssertEqual(await PlatformState.CaptureAsync(platform), "after the refused restore");
    }

    [TestCase("intelgraph_dev", 0, TestName = "On a terminal, typing the database name confirms the restore")]
    [TestCase("yes", 2, TestName = "On a terminal, any other answer refuses the restore")]
    public async Task On_a_terminal_the_database_name_must_be_typed(string answer, int expectedExit)
    {
        await using var platform = await Platform.StartAsync();
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        await platform.ChangeEverythingAsync();
        var typescript = Path.Combine(platform.WorkDir, "typescript");
        var input = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(answer + "\n"));

        // script(1) gives the tool a terminal; its standard input is what the operator types.
        var result = await Sh.RunAsync("script", ["-q", "-e", "-c", $"dotnet {Repo.ToolDll} restore latest --workdir " +
            $"{platform.WorkDir}", typescript], stdin: input);

        var screen = File.ReadAllText(typescript);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(expectedExit), screen);
            Assert.That(screen, Does.Contain("This restore overwrites:").And.Contain("PostgreSQL database intelgraph_dev in " +
                "container " + platform.Postgres));
            Assert.That(screen, Does.Contain("Type intelgraph_dev to continue:"));
            Assert.That(File.Exists(Path.Combine(platform.BackupRoot, ".summit-dr-undo.json")), Is.EqualTo(expectedExit == 0),
                "the replaced state is kept only when confirmed");
        });
    }
}
