using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Stores.Neo4j;
using Summit.Dr.Tests.Support;


namespace Summit.Dr.Tests.Backup;

/// <summary>What a backup leaves when something fails: Neo4j as it was found, no backup that looks complete, the lock released, the log
/// kept.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class BackupFailureTests
{
    [Test]
    public void Backup_restarts_neo4j_when_the_dump_fails()
    {
        using var harness = new CoreHarness();
        harness.Docker.When(FakeDocker.IsNeo4jDump, 1, "Active logical log detected, this might be a source of inconsistencies.");

        var error = Assert.ThrowsAsync<OperationFailedException>(() => harness.RunBackupAsync());

        AssertNeo4jBackAndNothingVisible(harness);
        Assert.That(error!.Message, Does.Contain("Active logical log detected"));
    }

    [Test]
    public void Backup_restarts_neo4j_when_the_dump_process_cannot_run()
    {
        using var harness = new CoreHarness();
        harness.Docker.When(FakeDocker.IsNeo4jDump, (_, _) => throw new IOException("disk full"));

        var error = Assert.ThrowsAsync<IOException>(() => harness.RunBackupAsync());

        AssertNeo4jBackAndNothingVisible(harness);
        Assert.That(error!.Message, Is.EqualTo("disk full"));
    }

    [Test]
    public void Backup_restarts_neo4j_when_docker_stop_fails_halfway()
    {
        using var harness = new CoreHarness();
        harness.Docker.When(FakeDocker.IsStop, (spec, _) =>
        {
            harness.Docker.Containers["neo4j"].Running = false;
            return Task.FromResult(FakeDocker.Result(1, stderr: "Error response from daemon: cannot stop container: timeout"));
        });

        var error = Assert.ThrowsAsync<OperationFailedException>(() => harness.RunBackupAsync());

        AssertNeo4jBackAndNothingVisible(harness);
        Assert.That(error!.Message, Does.Contain("cannot stop container"));
    }

    [Test]
    public void A_failed_postgres_dump_never_stops_neo4j()
    {
        using var harness = new CoreHarness();
        harness.Docker.When(FakeDocker.IsPgDump, 1, "pg_dump: error: connection to server failed: FATAL:  role \"intelgraph\" does not " +
            "exist");

        var error = Assert.ThrowsAsync<OperationFailedException>(() => harness.RunBackupAsync());

        AssertNeo4jUntouchedAndNothingVisible(harness);
        Assert.That(error!.Message, Does.Contain("pg_dump of database 'intelgraph_dev' in container 'postgres' " +
            "failed").And.Contain("role"));
    }

    [Test]
    public void Backup_restarts_neo4j_when_the_dump_verification_fails()
    {
        using var harness = new CoreHarness();
        harness.Docker.When(FakeDocker.IsNeo4jInfo, 1, "Not a valid Neo4j archive: the archive is truncated or corrupt");

        var error = Assert.ThrowsAsync<OperationFailedException>(() => harness.RunBackupAsync());

        AssertNeo4jBackAndNothingVisible(harness);
        Assert.That(error!.Message, Does.Contain("Verification failed").And.Contain("neo4j.dump"));
    }

    [Test]
    public async Task Backup_restarts_neo4j_when_cancelled_during_the_dump()
    {
        using var harness = new CoreHarness();
        using var cancellation = new CancellationTokenSource();
        var dumpStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Docker.When(FakeDocker.IsNeo4jDump, async (_, token) =>
        {
            dumpStarted.SetResult();
            await Task.Delay(Timeout.Infinite, token);
            return FakeDocker.Result();
        });

        var backup = harness.RunBackupAsync(cancellation.Token);
        await dumpStarted.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await cancellation.CancelAsync();

        Assert.That(async () => await backup, Throws.InstanceOf<OperationCanceledException>());
        AssertNeo4jBackAndNothingVisible(harness);
        Assert.That(harness.Docker.IndexOf(l => l == "rm --force " + FakeDocker.Bench),
            Is.LessThan(harness.Docker.IndexOf(l => l.StartsWith("start", StringComparison.Ordinal))),
            "the workbench is removed before Neo4j starts: killing the docker client does not end the dump, which holds the store lock");
    }

    [Test]
    public void Backup_reports_the_dump_error_and_the_restart_error_together()
    {
        using var harness = new CoreHarness();
        harness.Docker.When(FakeDocker.IsNeo4jDump, 1, "Dump failed for database 'neo4j'");
        harness.Docker.When(FakeDocker.IsStart, 1, "Error response from daemon: driver failed programming external connectivity");

        var error = Assert.ThrowsAsync<OperationFailedException>(() => harness.RunBackupAsync());

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("Dump failed for database 'neo4j'"));
            Assert.That(error.Message, Does.Contain("is not answering again").And.Contain("docker start neo4j"));
            Assert.That(File.Exists(Path.Combine(harness.Root, StopJournal.FileName)), Is.True, "the journal stays so the next run " +
                "restarts Neo4j");
            Assert.That(harness.VisibleBackups(), Is.Empty);
        });
    }

    [Test]
    public async Task Backup_dumps_a_stopped_neo4j_offline_and_leaves_it_stopped()
    {
        using var harness = new CoreHarness();
        harness.Docker.Containers["neo4j"].Running = false;

        var result = await harness.RunBackupAsync();

        Assert.Multiple(() =>
        {
            Assert.That(harness.Docker.Calls.Any(FakeDocker.IsStop), Is.False);
            Assert.That(harness.Docker.Calls.Any(FakeDocker.IsStart), Is.False);
            Assert.That(harness.Docker.Containers["neo4j"].Running, Is.False);
            Assert.That(result.Manifest!.Neo4j.WasRunning, Is.False);
            Assert.That(result.Manifest!.Neo4j.NodeCount, Is.Null);
            Assert.That(result.Manifest!.Neo4j.Status, Is.EqualTo(ComponentStatus.Captured));
        });
    }

    [Test]
    public void Backup_fails_on_an_empty_postgres_dump()
    {
        using var harness = new CoreHarness();
        harness.Docker.PostgresDump = [];

        var error = Assert.ThrowsAsync<OperationFailedException>(() => harness.RunBackupAsync());

        Assert.That(error!.Message, Does.Contain("postgres.dump is empty"));
        AssertNeo4jUntouchedAndNothingVisible(harness);
        var log = Path.GetFileName(Directory.GetFiles(harness.Root, ".failed-*.log").Single());
        Assert.That(error.Message, Does.Contain($"kept beside the backups as {log}"), "the message points to a file that exists");
    }

    [Test]
    public void Backup_fails_when_pg_restore_cannot_read_the_dump()
    {
        using var harness = new CoreHarness();
        harness.Docker.When(s => s.Arguments.Contains("pg_restore"), 1, "pg_restore: error: input file does not appear to be a valid " +
            "archive");

        var error = Assert.ThrowsAsync<OperationFailedException>(() => harness.RunBackupAsync());

        Assert.That(error!.Message, Does.Contain("pg_restore cannot read postgres.dump"));
        Assert.That(error.ExitCode, Is.EqualTo(ExitCodes.Failed));
        AssertNeo4jUntouchedAndNothingVisible(harness);
    }

    [Test]
    public void Backup_refuses_with_exit_3_when_the_postgres_container_is_missing()
    {
        using var harness = new CoreHarness();
        harness.Docker.Containers.Remove("postgres");

        var error = Assert.ThrowsAsync<PreconditionException>(() => harness.RunBackupAsync());

        Assert.Multiple(() =>
        {
            Assert.That(error!.ExitCode, Is.EqualTo(3));
            Assert.That(error.Message, Does.Contain("'postgres' not found").And.Contain("docker ps -a"));
            Assert.That(harness.Docker.Calls.Any(FakeDocker.IsStop), Is.False, "nothing is stopped before the preconditions hold");
        });
    }

    [Test]
    public void Backup_refuses_with_exit_3_when_the_postgres_container_is_stopped()
    {
        using var harness = new CoreHarness();
        harness.Docker.Containers["postgres"].Running = false;

        var error = Assert.ThrowsAsync<PreconditionException>(() => harness.RunBackupAsync());

        Assert.That(error!.Message, Does.Contain("is exited, not running").And.Contain("docker start postgres"));
    }

    [Test]
    public void Backup_does_not_take_a_container_whose_name_only_contains_the_configured_one()
    {
        using var harness = new CoreHarness();
        harness.Docker.Containers.Remove("postgres");
        // docker inspect resolves id prefixes; a container that answers under another name is not ours.
        harness.Docker.When(s => s.Arguments.SequenceEqual(new[] { "inspect", "--type", "container", "postgres" }),
            (_, _) => Task.FromResult(
                FakeDocker.Result(stdout: new FakeContainer("summit-postgres", "postgres:16", true, []).InspectJson())));

        Assert.ThrowsAsync<PreconditionException>(() => harness.RunBackupAsync());
    }

    private static void AssertNeo4jUntouchedAndNothingVisible(CoreHarness harness)
    {
        Assert.Multiple(() =>
        {
            Assert.That(harness.Docker.Calls.Any(FakeDocker.IsStop), Is.False, "Neo4j was never stopped");
            Assert.That(harness.Docker.Containers["neo4j"].Running, Is.True);
            Assert.That(harness.Docker.Containers.ContainsKey(FakeDocker.Bench), Is.False, "the workbench is removed");
            Assert.That(harness.AllDirectories(), Is.Empty, "no backup and no unfinished directory is left");
            Assert.That(File.Exists(Path.Combine(harness.Root, ".summit-dr.lock")), Is.False, "the lock is released");
            Assert.That(Directory.GetFiles(harness.Root, ".failed-*.log"), Has.Length.EqualTo(1), "the failed run's log is kept");
        });
    }

    private static void AssertNeo4jBackAndNothingVisible(CoreHarness harness)
    {
        Assert.Multiple(() =>
        {
            Assert.That(harness.Docker.Containers["neo4j"].Running, Is.True, "Neo4j is running again");
            Assert.That(harness.Docker.Calls.SkipWhile(c => !FakeDocker.IsStart(c)).Any(c => c.Arguments.Contains("cypher-shell")),
                Is.True, "the tool waited until Neo4j answered");
            Assert.That(harness.Docker.Containers.ContainsKey(FakeDocker.Bench), Is.False, "the workbench is removed");
            Assert.That(harness.AllDirectories(), Is.Empty, "no backup and no unfinished directory is left");
            Assert.That(File.Exists(Path.Combine(harness.Root, StopJournal.FileName)), Is.False, "the stop journal is cleared once Neo4j " +
                "answers");
            Assert.That(File.Exists(Path.Combine(harness.Root, ".summit-dr.lock")), Is.False, "the lock is released");
            Assert.That(Directory.GetFiles(harness.Root, ".failed-*.log"), Has.Length.EqualTo(1), "the failed run's log is kept");
        });
    }
}
