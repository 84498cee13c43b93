using System.Text.Json;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Model;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// Neo4j down only for a copy or a rename, on the real engine: the dump runs from a snapshot and the load into
/// a staging store while Neo4j serves; a killed or interrupted run leaves Neo4j as it found it and its scratch
/// directory goes (now, or with the next run); a volume without the room falls back to the dump or load in place.
/// </summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class Neo4jSnapshotTests
{
    private const string Journal = ".summit-dr-stopped.json";

    [Test]
    public async Task A_backup_dumps_a_snapshot_while_neo4j_serves_and_a_drill_loads_it_with_the_same_counts()
    {
        await using var platform = await Platform.StartAsync();
        await platform.SetKnobAsync("dump-slow", "4");
        using var run = ToolRun.Start(platform.WorkDir, ["backup"]);
        await run.WaitUntilAsync(() => platform.AdminRunsAsync("dump"));
        var answersDuringDump = await platform.Neo4jAnswersAsync();
        await run.WaitAsync(TimeSpan.FromMinutes(2));
        await platform.ClearKnobAsync("dump-slow");

        var manifest = ReadManifest(platform);
        using var drill = await ToolRun.RunAsync(platform.WorkDir, "drill", "latest", "--json");
        Assert.Multiple(async () =>
        {
            Assert.That(run.ExitCode, Is.Zero, run.Describe());
            Assert.That(answersDuringDump, Is.True, "Neo4j serves while its snapshot is dumped");
            Assert.That(run.Stderr, Does.Contain("neo4j snapshot").And.Contain("neo4j dump"));
            Assert.That(manifest.Neo4j.Offline?.Work, Is.EqualTo("copy"));
            Assert.That(manifest.Neo4j.DowntimeSeconds, Is.LessThan(30));
            Assert.That((await platform.KeptTracesAsync()).Neo4jEntries, Is.Empty, "the snapshot is removed");
            Assert.That(File.Exists(Path.Combine(platform.BackupRoot, Journal)), Is.False);
            Assert.That(drill.ExitCode, Is.Zero, drill.Describe());
            Assert.That(drill.Stdout, Does.Contain("\"status\": \"proven\""), "the dump of the snapshot loads into a fresh Neo4j with " +
                "the recorded node and relationship counts");
        });
    }

    [Test]
    public async Task A_run_killed_during_the_dump_from_a_snapshot_leaves_neo4j_serving_and_the_next_command_removes_the_snapshot()
    {
        await using var platform = await Platform.StartAsync();
        await platform.SetKnobAsync("dump-slow", "120");
        using var run = ToolRun.Start(platform.WorkDir, ["backup"]);
        await run.WaitUntilAsync(() => platform.AdminRunsAsync("dump"));

        await run.SignalAsync("KILL");
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(await platform.Neo4jAnswersAsync(), Is.True, "Neo4j was started again before the dump began");
        Assert.That((await platform.KeptTracesAsync()).Neo4jEntries, Has.Some.StartsWith("summit-dr-scratch-snapshot-"));

        using var next = await ToolRun.RunAsync(platform.WorkDir, "list");

        Assert.Multiple(async () =>
        {
            Assert.That(next.Stderr, Does.Contain("died and left /data/summit-dr-scratch-snapshot-"), next.Describe());
            Assert.That((await platform.KeptTracesAsync()).Neo4jEntries, Is.Empty);
            Assert.That(File.Exists(Path.Combine(platform.BackupRoot, Journal)), Is.False);
            Assert.That(await platform.WorkbenchExistsAsync(), Is.False);
        });
    }

    [Test]
    public async Task A_run_killed_while_neo4j_stops_for_the_copy_is_put_right_by_the_next_command()
    {
        await using var platform = await Platform.StartAsync();
        await platform.SetKnobAsync("shutdown-slow", "20");
        using var run = ToolRun.Start(platform.WorkDir, ["backup"]);
        await run.WaitUntilAsync(async () => !await platform.Neo4jAnswersAsync());

        await run.SignalAsync("KILL");
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        // The server had its SIGTERM: it finishes its clean shutdown on its own.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await platform.IsRunningAsync(platform.Neo4j) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        await platform.ClearKnobInVolumeAsync("shutdown-slow");
        using var next = await ToolRun.RunAsync(platform.WorkDir, "list");

        Assert.Multiple(async () =>
        {
            Assert.That(next.Stderr, Does.Contain("died before starting it again"), next.Describe());
            Assert.That(await platform.Neo4jAnswersAsync(), Is.True);
            Assert.That((await platform.KeptTracesAsync()).Neo4jEntries, Is.Empty, "the copy begun is removed");
            Assert.That(File.Exists(Path.Combine(platform.BackupRoot, Journal)), Is.False);
        });
    }

    [Test]
    public async Task Ctrl_C_while_neo4j_stops_for_the_copy_exits_130_and_neo4j_is_serving_once_its_shutdown_completes()
    {
        await using var platform = await Platform.StartAsync();
        await platform.SetKnobAsync("shutdown-slow", "8");
        using var run = ToolRun.Start(platform.WorkDir, ["backup"]);
        await run.WaitUntilAsync(async () => !await platform.Neo4jAnswersAsync());

        // The terminal's SIGINT reaches `docker stop` too; the engine goes on with the clean shutdown it began.
        await run.CtrlCAsync();
        await run.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Multiple(async () =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(130), run.Describe());
            Assert.That(run.Stderr, Does.Contain("summit-dr: Interrupted during '").And.Not.Contain("failed: exit code"));
            Assert.That(await platform.Neo4jAnswersAsync(), Is.True, "started again after the shutdown the engine finished");
            Assert.That(platform.VisibleBackups(), Is.Empty);
            Assert.That((await platform.KeptTracesAsync()).Neo4jEntries, Is.Empty, "no snapshot is left");
            Assert.That(await platform.WorkbenchExistsAsync(), Is.False);
            Assert.That(File.Exists(Path.Combine(platform.BackupRoot, Journal)), Is.False);
        });
    }

    [TestCase(ToolRun.CtrlC, TestName = "Ctrl+C during the load into staging touches nothing live and removes the staging store")]
    [TestCase("TERM", TestName = "SIGTERM during the load into staging touches nothing live and removes the staging store")]
    [TestCase("KILL", TestName = "SIGKILL during the load into staging touches nothing live and the next command removes the staging " +
        "store")]
    public async Task A_signal_during_the_load_into_staging_touches_nothing_live(string signal)
    {
        await using var platform = await Platform.StartAsync();
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup", "--only", "neo4j"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        await platform.CypherAsync("CREATE (:Later)");
        var started = await platform.StartedAtAsync(platform.Neo4j);
        await platform.SetKnobAsync("load-slow", "120");
        using var run = ToolRun.Start(platform.WorkDir, ["restore", "latest", "--yes", "--only", "neo4j"]);
        await run.WaitUntilAsync(() => platform.AdminRunsAsync("load"));

        await run.SignalAsync(signal);
        await run.WaitAsync(TimeSpan.FromMinutes(2));
        using var next = await ToolRun.RunAsync(platform.WorkDir, "list");

        Assert.Multiple(async () =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(signal == "KILL" ? 137 : 130), run.Describe());
            Assert.That(await platform.StartedAtAsync(platform.Neo4j), Is.EqualTo(started), "Neo4j was never stopped");
            Assert.That(await platform.NodeCountAsync(), Is.EqualTo(Platform.SeededNodes + 1), "the live graph is untouched");
            Assert.That((await platform.KeptTracesAsync()).Neo4jEntries, Is.Empty, "no staging store and nothing kept");
            Assert.That(File.Exists(Path.Combine(platform.BackupRoot, Journal)), Is.False, next.Describe());
        });
    }

    [Test]
    public async Task A_restore_loads_while_neo4j_serves_swaps_by_renames_and_undo_puts_the_old_store_back()
    {
        await using var platform = await Platform.StartAsync();
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup", "--only", "neo4j"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        await platform.CypherAsync("CREATE (:Later)");
        await platform.SetKnobAsync("load-slow", "4");
        using var run = ToolRun.Start(platform.WorkDir, ["restore", "latest", "--yes", "--only", "neo4j"]);
        await run.WaitUntilAsync(() => platform.AdminRunsAsync("load"));
        var answersDuringLoad = await platform.Neo4jAnswersAsync();
        await run.WaitAsync(TimeSpan.FromMinutes(2));
        var restored = await platform.NodeCountAsync();
        using var undo = await ToolRun.RunAsync(platform.WorkDir, "undo", "--yes");

        Assert.Multiple(async () =>
        {
            Assert.That(run.ExitCode, Is.Zero, run.Describe());
            Assert.That(answersDuringLoad, Is.True, "Neo4j serves while the dump loads into staging");
            Assert.That(run.Stderr, Does.Contain("neo4j load (staging)").And.Contain("for the renames of a store loaded while it served"));
            Assert.That(restored, Is.EqualTo(Platform.SeededNodes));
            Assert.That(undo.ExitCode, Is.Zero, undo.Describe());
            Assert.That(await platform.NodeCountAsync(), Is.EqualTo(Platform.SeededNodes + 1), "undo put the old store back");
            Assert.That((await platform.KeptTracesAsync()).Neo4jEntries, Is.Empty);
        });
    }

    [Test]
    public async Task A_volume_without_the_room_dumps_and_loads_in_place_and_always_refuses_with_neo4j_untouched()
    {
        var volume = "sdr-small-" + Guid.NewGuid().ToString("N")[..8];
        await Sh.DockerRequireAsync(
            "volume", "create", "--driver", "local", "--opt", "type=tmpfs", "--opt", "device=tmpfs", "--opt", "o=size=48m", volume);
        await using var platform = await Platform.StartAsync(neo4jData: volume);

        using var backup = await ToolRun.RunAsync(platform.WorkDir, "backup", "--only", "neo4j");
        var manifest = ReadManifest(platform);
        await platform.CypherAsync("CREATE (:Later)");
        using var restore = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest", "--yes", "--only", "neo4j");
        var started = await platform.StartedAtAsync(platform.Neo4j);
        using var always = await ToolRun.RunAsync(platform.WorkDir, "backup", "--only", "neo4j", "--set", "Neo4j:Snapshot=always");

        Assert.Multiple(async () =>
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
            Assert.That(backup.Stderr, Does.Contain("Neo4j is down for the whole dump: its volume has").And.Contain("Free space in " +
                "Neo4j's volume, or set Neo4j:Snapshot=never"));
            Assert.That(manifest.Neo4j.Offline?.Work, Is.EqualTo("dump"));
            Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
            Assert.That(restore.Stderr, Does.Contain("Neo4j is down for the whole load: its volume has"));
            Assert.That(await platform.NodeCountAsync(), Is.EqualTo(Platform.SeededNodes));
            Assert.That(always.ExitCode, Is.EqualTo(3), always.Describe());
            Assert.That(always.Stderr, Does.Contain("Neo4j:Snapshot is always, but its volume has").And.Contain("Nothing was stopped."));
            Assert.That(await platform.StartedAtAsync(platform.Neo4j), Is.EqualTo(started), "refused before anything was stopped");
        });
    }

    private static BackupManifest ReadManifest(Platform platform) => JsonSerializer.Deserialize<BackupManifest>(
        File.ReadAllText(
            Path.Combine(platform.BackupRoot, platform.VisibleBackups().Order(StringComparer.Ordinal).Last(), "manifest.json")),
                JsonDefaults.Options)!;
}
