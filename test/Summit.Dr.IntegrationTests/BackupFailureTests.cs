using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;


namespace Summit.Dr.IntegrationTests;

/// <summary>The failures a user fears most: Neo4j left down, or a broken backup that looks complete.</summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class BackupFailureTests
{
    [Test]
    public async Task A_failed_neo4j_dump_leaves_neo4j_running_and_no_complete_looking_backup()
    {
        await using var platform = await Platform.StartAsync();
        await platform.SetKnobAsync("dump-fails");

        using var run = await ToolRun.RunAsync(platform.WorkDir, "backup");

        Assert.Multiple(async () =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(1), run.Describe());
            Assert.That(run.Stderr, Does.Contain("neo4j-admin dump of database 'neo4j' failed"));
            Assert.That(await platform.Neo4jAnswersAsync(), Is.True);
            Assert.That(platform.VisibleBackups(), Is.Empty);
            Assert.That(platform.UnfinishedBackups(), Is.Empty);
            Assert.That(await platform.WorkbenchExistsAsync(), Is.False, "the one-off dump container is gone");
            Assert.That(Directory.GetFiles(platform.BackupRoot, ".failed-*.log"), Has.Length.EqualTo(1));
            Assert.That(File.Exists(Path.Combine(platform.BackupRoot, ".summit-dr-stopped.json")), Is.False);
        });
    }

    [TestCase(ToolRun.CtrlC, "never", TestName = "Ctrl+C during the neo4j dump leaves neo4j running and no complete-looking backup")]
    [TestCase("INT", "never", TestName = "SIGINT to the tool alone during the neo4j dump leaves neo4j running and no " +
        "complete-looking backup")]
    [TestCase("TERM", "never", TestName = "SIGTERM during the neo4j dump leaves neo4j running and no complete-looking backup")]
    [TestCase(ToolRun.CtrlC, "auto", TestName = "Ctrl+C during the dump from a snapshot leaves neo4j running, no snapshot and no " +
        "complete-looking backup")]
    [TestCase("TERM", "auto", TestName = "SIGTERM during the dump from a snapshot leaves neo4j running, no snapshot and no " +
        "complete-looking backup")]
    public async Task A_signal_during_the_neo4j_dump_leaves_neo4j_running(string signal, string snapshot)
    {
        await using var platform = await Platform.StartAsync();
        await platform.SetKnobAsync("dump-slow", "60");
        using var run = ToolRun.Start(platform.WorkDir, ["backup", "--set", "Neo4j:Snapshot=" + snapshot]);
        await run.WaitUntilAsync(() => platform.AdminRunsAsync("dump"));

        await run.SignalAsync(signal);
        await run.WaitAsync(TimeSpan.FromMinutes(3));

        Assert.Multiple(async () =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(130), run.Describe());
            Assert.That(run.Stderr, Does.Contain("summit-dr: Interrupted during '"), "it says where it stopped");
            Assert.That(run.Stderr, Does.Not.Contain("failed: exit code").And.Not.Contain("Docker is not reachable"),
                "a child the interrupt ended is not reported as a failure");
            Assert.That(await platform.Neo4jAnswersAsync(), Is.True);
            Assert.That(platform.VisibleBackups(), Is.Empty);
            Assert.That(platform.UnfinishedBackups(), Is.Empty);
            Assert.That(await platform.WorkbenchExistsAsync(), Is.False);
            Assert.That((await platform.KeptTracesAsync()).Neo4jEntries, Is.Empty, "no snapshot is left in Neo4j's volume");
            Assert.That(File.Exists(Path.Combine(platform.BackupRoot, ".summit-dr-stopped.json")), Is.False);
        });
    }

    [Test]
    public async Task A_killed_run_leaves_a_journal_and_the_next_command_restarts_neo4j()
    {
        await using var platform = await Platform.StartAsync();
        await platform.SetKnobAsync("dump-slow", "120");
        using var run = ToolRun.Start(platform.WorkDir, ["backup", "--set", "Neo4j:Snapshot=never"]);
        await run.WaitUntilAsync(() => platform.AdminRunsAsync("dump"));

        await run.SignalAsync("KILL");
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(await platform.IsRunningAsync(platform.Neo4j), Is.False, "SIGKILL gives the tool no chance: Neo4j is still down");
        Assert.That(File.Exists(Path.Combine(platform.BackupRoot, ".summit-dr-stopped.json")), Is.True);
        Assert.That(await LocksAsync(platform), Is.Not.Empty, "SIGKILL leaves the platform's lock");

        using var next = await ToolRun.RunAsync(platform.WorkDir, "list");

        Assert.Multiple(async () =>
        {
            Assert.That(next.Stderr, Does.Contain("died before starting it again"), next.Describe());
            Assert.That(await platform.Neo4jAnswersAsync(), Is.True);
            Assert.That(await platform.WorkbenchExistsAsync(), Is.False, "the killed run's dump container was removed");
            Assert.That(File.Exists(Path.Combine(platform.BackupRoot, ".summit-dr-stopped.json")), Is.False);
            Assert.That(platform.VisibleBackups(), Is.Empty, "the killed run's work directory is not a backup");
            Assert.That(await LocksAsync(platform), Is.Empty, "the dead run's platform lock was removed");
        });
    }

    private static async Task<string> LocksAsync(Platform platform) => (await Sh.DockerAsync(
        "ps", "-a", "--filter", "label=summit-dr.lock.root=" + platform.BackupRoot, "--format", "{{.Names}}")).StandardOutput.Trim();

    [Test]
    public async Task A_second_backup_or_restore_is_refused_while_one_runs_from_this_root_or_another_and_a_dead_runs_workbench_goes()
    {
        await using var platform = await Platform.StartAsync();
        var otherRoot = Path.Combine(platform.WorkDir, "elsewhere");
        using (var earlier = await ToolRun.RunAsync(platform.WorkDir, "backup", "--only", "postgres", "--output", otherRoot))
        {
            Assert.That(earlier.ExitCode, Is.Zero, earlier.Describe());
        }

        await platform.SetKnobAsync("dump-slow", "15");
        using var first = ToolRun.Start(platform.WorkDir, ["backup"]);
        await first.WaitUntilAsync(() => platform.AdminRunsAsync("dump"));

        using var second = await ToolRun.RunAsync(platform.WorkDir, "backup");
        using var fromAnotherRoot = await ToolRun.RunAsync(platform.WorkDir, "backup", "--only", "postgres", "--output", otherRoot);
        using var restoreFromAnotherRoot = await ToolRun.RunAsync(
            platform.WorkDir, "restore", "latest", "--yes", "--only", "postgres", "--set", "Backup:Root=" + otherRoot);
        var workbenchDuring = await platform.WorkbenchesAsync();
        await first.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Multiple(async () =>
        {
            Assert.That(second.ExitCode, Is.EqualTo(3), second.Describe());
            Assert.That(second.Stderr, Does.Contain("Another summit-dr backup is running").And.Contain($"pid {first.Pid}"));
            foreach (var other in new[] { fromAnotherRoot, restoreFromAnotherRoot })
            {
                Assert.That(other.ExitCode, Is.EqualTo(3), other.Describe());
                Assert.That(other.Stderr, Does.Contain($"Another summit-dr backup is working on this platform (PostgreSQL " +
                    $"'{platform.Postgres}', Neo4j '{platform.Neo4j}'): pid {first.Pid} on {Environment.MachineName}, backup root " +
                    platform.BackupRoot).And.Contain("one platform takes one operation at a time"), other.Describe());
            }

            Assert.That(workbenchDuring, Is.EqualTo(new[] { platform.Workbench + first.Pid }),
                "the first run keeps its workbench, whose name carries the run");
            Assert.That(first.ExitCode, Is.Zero, first.Describe());
            Assert.That(platform.VisibleBackups(), Has.Count.EqualTo(1));
            Assert.That(Directory.GetDirectories(otherRoot).Count(d => !Path.GetFileName(d).StartsWith('.')), Is.EqualTo(1),
                "the refused backup made nothing in its root");
            Assert.That(await LocksAsync(platform), Is.Empty, "the platform's lock goes with the run that held it");
        });

        // What a killed run left running goes with the next command of any kind, and the command says so.
        var leftover = platform.Workbench + (int.MaxValue - 7);
        var deadRun = $"summit-dr.owner={Environment.MachineName}/{int.MaxValue - 7}/1700000000000";
        await Sh.DockerRequireAsync(
            "run", "-d", "--network", "none", "--name", leftover, "--label", deadRun, "--entrypoint", "sleep", platform.Neo4jImage, "600");
        using var list = await ToolRun.RunAsync(platform.WorkDir, "list");

        Assert.Multiple(async () =>
        {
            Assert.That(list.ExitCode, Is.Zero, list.Describe());
            Assert.That(list.Stderr, Does.Contain($"Removing {leftover}, left behind by a summit-dr run that is gone"));
            Assert.That(await platform.ExistsAsync(leftover), Is.False);
        });
    }

    [Test]
    public async Task A_neo4j_that_will_not_start_again_is_reported_and_journaled()
    {
        await using var platform = await Platform.StartAsync();
        await platform.SetKnobAsync("start-fails");

        using var run = await ToolRun.RunAsync(platform.WorkDir, "backup", "--only", "neo4j");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(1), run.Describe());
            Assert.That(run.Stderr, Does.Contain("exits right after it starts").And.Contain("docker logs " + platform.Neo4j));
            Assert.That(platform.VisibleBackups(), Is.Empty, "a backup whose Neo4j did not come back is not reported as done");
            Assert.That(File.Exists(Path.Combine(platform.BackupRoot, ".summit-dr-stopped.json")), Is.True, "the next run will try again");
        });
    }
}
