using System.Diagnostics;
using System.Text.Json;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Kept;
using Summit.Dr.Operations.Recovery;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Stores.Neo4j;
using Summit.Dr.Tests.Restore;
using Summit.Dr.Testing;
using Summit.Dr.Tests.Support;

namespace Summit.Dr.Tests.Neo4j;

/// <summary>Neo4j down only for a copy (backup) or a rename (restore), on the fake engine: the order, the fallback and every
/// failure.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class SnapshotTests
{
    private const long Room = 100L * 1024 * 1024;

    private static bool IsCopy(ProcessSpec s) => FakeDocker.InBench(s) && s.Arguments.Contains("cp");

    private static bool IsMove(ProcessSpec s) => FakeDocker.InBench(s) && s.Arguments.Contains("mv");

    private static bool IsScratchRemoval(ProcessSpec s) =>
        s.Arguments.Contains("rm") && s.Arguments.Any(a => a.StartsWith("/data/summit-dr-scratch-", StringComparison.Ordinal));

    private static CoreHarness WithRoom(Action<SummitDrOptions>? configure = null)
    {
        var harness = new CoreHarness(configure);
        harness.Docker.Neo4jVolumeFreeKiB = Room;
        return harness;
    }

    [Test]
    public async Task A_backup_stops_neo4j_only_to_copy_its_store_and_dumps_the_copy_while_it_serves()
    {
        using var harness = WithRoom();

        var result = await harness.RunBackupAsync();

        int First(Func<ProcessSpec, bool> match) => harness.Docker.Calls.ToList().FindIndex(c => match(c));
        var (stop, start, dump) = (First(FakeDocker.IsStop), First(FakeDocker.IsStart), First(FakeDocker.IsNeo4jDump));
        var dumpCall = harness.Docker.Calls[dump];
        Assert.Multiple(() =>
        {
            Assert.That(harness.Docker.Calls.Where(IsCopy).Select(c => harness.Docker.Calls.ToList().IndexOf(c)),
                Has.All.GreaterThan(stop).And.All.LessThan(start), "both copies run while Neo4j is down");
            Assert.That(harness.Docker.Calls.Count(IsCopy), Is.EqualTo(2), "the store and its transaction logs");
            Assert.That(harness.Docker.Calls.Count(FakeDocker.IsStop), Is.EqualTo(1), "one stop");
            Assert.That(dump, Is.GreaterThan(start), "the dump runs after Neo4j is started again");
            Assert.That(dumpCall.Arguments, Has.Some.StartsWith("--additional-config=/tmp/summit-dr-summit-dr-scratch-snapshot-"),
                "from the copy");
            Assert.That(First(IsScratchRemoval), Is.GreaterThan(dump), "the copy is removed after the dump");
            Assert.That(harness.Docker.Volume.Where(p => p.Contains("scratch", StringComparison.Ordinal)), Is.Empty, "nothing of the " +
                "copy is left");
            Assert.That(File.Exists(Path.Combine(harness.Root, StopJournal.FileName)), Is.False, "the journal is empty again");
            Assert.That(result.Manifest!.Neo4j.Offline?.Work, Is.EqualTo("copy"));
            Assert.That(result.Manifest!.Neo4j.StoreBytes, Is.EqualTo(2048 * 1024));
            Assert.That(result.Steps.Select(s => s.Name), Does.Contain("neo4j snapshot").And.Contain("neo4j dump"));
        });
    }

    [Test]
    public async Task Without_the_room_auto_dumps_in_place_and_says_why_in_one_line()
    {
        using var harness = new CoreHarness();

        var result = await harness.RunBackupAsync();

        int First(Func<ProcessSpec, bool> match) => harness.Docker.Calls.ToList().FindIndex(c => match(c));
        Assert.Multiple(() =>
        {
            Assert.That(First(FakeDocker.IsNeo4jDump), Is.GreaterThan(First(FakeDocker.IsStop)).And.LessThan(First(FakeDocker.IsStart)));
            Assert.That(harness.Docker.Calls.Any(IsCopy), Is.False);
            Assert.That(harness.Log.Text, Does.Contain("Neo4j is down for the whole dump: its volume has 1.0 MiB free, and the snapshot " +
                "needs 2.0 MiB with 64.0 MiB to spare"));
            Assert.That(result.Manifest!.Neo4j.Offline?.Work, Is.EqualTo("dump"));
        });
    }

    [Test]
    public void Without_the_room_always_refuses_before_anything_is_stopped()
    {
        using var harness = new CoreHarness(o => o.Neo4j.Snapshot = Neo4jSnapshot.Always);

        var error = Assert.ThrowsAsync<PreconditionException>(() => harness.RunBackupAsync());

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.StartWith("Neo4j:Snapshot is always, but its volume has 1.0 MiB " +
                "free").And.Contain("Nothing was stopped."));
            Assert.That(harness.Docker.Calls.Any(FakeDocker.IsStop), Is.False);
            Assert.That(harness.Docker.Containers["neo4j"].Running, Is.True);
        });
    }

    [Test]
    public void A_copy_that_fails_starts_neo4j_again_and_removes_what_was_copied()
    {
        using var harness = WithRoom();
        harness.Docker.When(IsCopy, 1, "cp: error writing '/data/summit-dr-scratch-x/databases/neo4j/neostore': No space left on device");

        Assert.ThrowsAsync<DiskFullException>(() => harness.RunBackupAsync());

        AssertLeftAsFound(harness, stops: 1);
    }

    [Test]
    public void A_dump_from_the_copy_that_fails_leaves_neo4j_serving_and_removes_the_copy()
    {
        using var harness = WithRoom();
        harness.Docker.When(FakeDocker.IsNeo4jDump, 1, "Dump failed for database 'neo4j'");

        var error = Assert.ThrowsAsync<OperationFailedException>(() => harness.RunBackupAsync());

        Assert.That(error!.Message, Does.Contain("Dump failed for database 'neo4j'"));
        AssertLeftAsFound(harness, stops: 1);
    }

    [Test]
    public async Task A_restore_loads_into_staging_while_neo4j_serves_and_stops_it_only_for_the_renames()
    {
        using var harness = await RestoreHarness.HarnessWithBackupAsync();
        harness.Docker.Neo4jVolumeFreeKiB = Room;

        var result = await RestoreHarness.RestoreAsync(harness, at: TimeSpan.FromSeconds(5));

        var calls = harness.Docker.Calls.ToList();
        var (stop, start) = (calls.FindIndex(FakeDocker.IsStop), calls.FindIndex(FakeDocker.IsStart));
        var load = calls.FindIndex(FakeDocker.IsNeo4jLoad);
        var down = calls.Skip(stop + 1).Take(start - stop - 1).Select(c => string.Join(' ', c.Arguments)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(load, Is.GreaterThanOrEqualTo(0).And.LessThan(stop), "the load runs before Neo4j is stopped");
            Assert.That(calls[load].Arguments, Has.Some.StartsWith("--additional-config=/tmp/summit-dr-summit-dr-scratch-staging-"));
            Assert.That(down, Has.All.Contains(" mv -T "), "nothing but renames while Neo4j is down");
            Assert.That(down, Has.Count.EqualTo(4), "the live store and logs aside, the staged ones in");
            Assert.That(harness.Docker.Volume, Is.SupersetOf(RestoreHarness.Live), "a store is in place");
            Assert.That(harness.Docker.Volume.Where(p => p.Contains("scratch", StringComparison.Ordinal)), Is.Empty, "the staging " +
                "directory is gone");
            Assert.That(harness.Docker.Volume.Count(p => p.StartsWith("/data/summit-dr-kept-", StringComparison.Ordinal)), Is.EqualTo(2),
                "the old store is kept for undo");
            Assert.That(result.Neo4jDown?.Work.Work, Is.EqualTo("rename"));
        });
    }

    [Test]
    public async Task While_neo4j_serves_its_own_container_takes_the_copy_as_the_workbench_starts()
    {
        using var harness = await RestoreHarness.HarnessWithBackupAsync();
        harness.Docker.Neo4jVolumeFreeKiB = Room;
        static bool IsServerCopy(ProcessSpec c) => c.Arguments.Contains("dd") && c.Arguments.Contains("neo4j");
        var copiedBeforeReady = false;
        // The workbench gets ready only once the copy has begun: were the two one after the other, it never would.
        harness.Docker.When(c => c.Arguments.Contains("pgrep"), async (_, token) =>
        {
            var waited = Stopwatch.StartNew();
            while (!harness.Docker.Calls.Any(IsServerCopy) && waited.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(10, token);
            }

            copiedBeforeReady = harness.Docker.Calls.Any(IsServerCopy);
            return FakeDocker.Result(stdout: "1\n");
        });

        await RestoreHarness.RestoreAsync(harness, at: TimeSpan.FromSeconds(5));

        Assert.Multiple(() =>
        {
            Assert.That(copiedBeforeReady, Is.True, "the copy runs while the workbench starts");
            Assert.That(harness.Docker.Calls.Where(c => c.Arguments.Any(a => a.StartsWith("of=/data/", StringComparison.Ordinal)))
                .Select(c => c.Arguments[4]), Is.EqualTo(new[] { "neo4j" }), "one copy of the dump, through the server");
            Assert.That(harness.Docker.Calls.Single(FakeDocker.IsNeo4jLoad).Arguments, Does.Contain(FakeDocker.Bench),
                "the load runs in the workbench, from the copy in the shared volume");
        });
    }

    [Test]
    public async Task A_staging_load_that_fails_touches_nothing_live_and_removes_the_staging_store()
    {
        using var harness = await RestoreHarness.HarnessWithBackupAsync();
        harness.Docker.Neo4jVolumeFreeKiB = Room;
        harness.Docker.When(FakeDocker.IsNeo4jLoad, 1, "Load failed for database 'neo4j'");

        var error = Assert.ThrowsAsync<OperationFailedException>(() => RestoreHarness.RestoreAsync(harness, at: TimeSpan.FromSeconds(5)));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("Load failed for database 'neo4j'"));
            Assert.That(harness.Docker.Calls.Any(IsScratchRemoval), Is.True, "the staging directory is removed");
            Assert.That(File.Exists(Path.Combine(harness.Root, StopJournal.FileName)), Is.False, "and dropped from the journal");
            Assert.That(harness.Docker.Lines, Has.None.StartsWith("stop"), "Neo4j was never stopped");
            Assert.That(harness.Docker.Volume, Is.EquivalentTo(RestoreHarness.Live), "the live store is untouched, nothing else is left");
            Assert.That(harness.Docker.Calls.Any(FakeDocker.IsRename), Is.False, "PostgreSQL is untouched");
            Assert.That(KeptStateStore.For(new BackupRoot(harness.Root)).Read(), Is.Empty);
        });
    }

    [Test]
    public async Task A_failed_rename_puts_the_old_store_back_before_neo4j_starts()
    {
        using var harness = await RestoreHarness.HarnessWithBackupAsync();
        harness.Docker.Neo4jVolumeFreeKiB = Room;
        harness.Docker.When(
            s => IsMove(s)
                && s.Arguments.Any(a => a.StartsWith("/data/summit-dr-scratch-", StringComparison.Ordinal)), 1, "mv: cannot move: " +
                    "Input/output error");

        Assert.ThrowsAsync<OperationFailedException>(() => RestoreHarness.RestoreAsync(harness, at: TimeSpan.FromSeconds(5)));

        var calls = harness.Docker.Calls.ToList();
        Assert.Multiple(() =>
        {
            Assert.That(harness.Docker.Volume, Is.SupersetOf(RestoreHarness.Live), "the old store is back in place");
            Assert.That(harness.Docker.Volume.Where(p => p.StartsWith("/data/summit-dr-kept-", StringComparison.Ordinal)), Is.Empty);
            Assert.That(calls.FindLastIndex(c => IsMove(c) && c.Arguments.Contains("/data/databases/neo4j")),
                Is.LessThan(calls.FindLastIndex(FakeDocker.IsStart)), "put back before the start");
            Assert.That(harness.Docker.Containers["neo4j"].Running, Is.True);
            Assert.That(File.Exists(Path.Combine(harness.Root, StopJournal.FileName)), Is.False);
        });
    }

    [Test]
    public async Task A_copy_left_by_a_killed_run_is_removed_by_the_next_run()
    {
        using var harness = new CoreHarness();
        var dead = new ProcessIdentity(Environment.MachineName, int.MaxValue - 7, DateTimeOffset.UtcNow);
        Directory.CreateDirectory(harness.Root);
        var record = new StopJournalRecord(dead, DateTimeOffset.UtcNow, [])
        {
            Scratch = [new("neo4j", "/data/summit-dr-scratch-snapshot-incomplete-20250925_120000"),
                new("neo4j", "/data/summit-dr-scratch-incoming-20250925_120500")],
        };
        OwnFile.Write(Path.Combine(harness.Root, StopJournal.FileName), JsonSerializer.Serialize(record, JsonDefaults.Options));

        await harness.Get<JournalRecovery>().RecoverAsync(new BackupRoot(harness.Root), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(harness.Docker.Lines.Where(l => l.Contains(" rm ", StringComparison.Ordinal)), Is.EqualTo(new[]
            {
                "exec --user neo4j neo4j rm -rf /data/summit-dr-scratch-snapshot-incomplete-20250925_120000",
                "exec --user neo4j neo4j rm -rf /data/summit-dr-scratch-incoming-20250925_120500",
            }));
            Assert.That(File.Exists(Path.Combine(harness.Root, StopJournal.FileName)), Is.False);
        });
    }

    [TestCase("neo4j", "/etc/passwd", "scratch.path")]
    [TestCase("neo4j", "/data/summit-dr-scratch-snapshot-../../databases", "scratch.path")]
    [TestCase("neo4j", "/data/databases", "scratch.path")]
    [TestCase("postgres", "/data/summit-dr-scratch-staging-20250925_120000", "scratch.container")]
    public void A_journal_naming_anything_but_a_scratch_directory_of_neo4j_is_refused_and_nothing_is_removed(
        string container, string path, string field)
    {
        using var harness = new CoreHarness();
        Directory.CreateDirectory(harness.Root);
        var dead = new ProcessIdentity(Environment.MachineName, int.MaxValue - 7, DateTimeOffset.UtcNow);
        var record = new StopJournalRecord(dead, DateTimeOffset.UtcNow, []) { Scratch = [new(container, path)] };
        OwnFile.Write(Path.Combine(harness.Root, StopJournal.FileName), JsonSerializer.Serialize(record, JsonDefaults.Options));

        var refused = Assert.ThrowsAsync<IntegrityException>(
            () => harness.Get<JournalRecovery>().RecoverAsync(new BackupRoot(harness.Root), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(refused!.Message, Does.Contain($"its {field} names"));
            Assert.That(harness.Docker.Lines.Where(
                l => l.Contains(" rm ", StringComparison.Ordinal) || l.StartsWith("start", StringComparison.Ordinal)), Is.Empty);
            Assert.That(File.Exists(Path.Combine(harness.Root, StopJournal.FileName)), Is.True);
        });
    }

    private static void AssertLeftAsFound(CoreHarness harness, int stops) => Assert.Multiple(() =>
    {
        Assert.That(harness.Docker.Calls.Count(FakeDocker.IsStop), Is.EqualTo(stops));
        Assert.That(harness.Docker.Containers["neo4j"].Running, Is.True, "Neo4j serves");
        Assert.That(harness.Docker.Calls.Any(IsScratchRemoval), Is.True, "the copy is removed");
        Assert.That(harness.Docker.Volume, Is.EquivalentTo(RestoreHarness.Live), "nothing else is left in the volume");
        Assert.That(File.Exists(Path.Combine(harness.Root, StopJournal.FileName)), Is.False, "the journal is empty again");
        Assert.That(harness.AllDirectories(), Is.Empty, "no backup");
    });
}
