
using static Summit.Dr.Tests.Restore.RestoreHarness;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Kept;
using Summit.Dr.Steps;
using Summit.Dr.Tests.Support;

namespace Summit.Dr.Tests.Restore;

/// <summary>A restore that fails or is interrupted part way: every replaced store is put back, and a swap is never half done.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class RestoreRollbackTests
{
    [Test]
    public async Task A_swap_that_committed_without_being_recorded_is_still_put_back()
    {
        using var harness = new CoreHarness();
        var kept = new KeptPostgres(
            "postgres", "intelgraph_dev", "intelgraph_dev_sdr_kept_1", "intelgraph_dev_sdr_in_1", Existed: true, Swapped: false);
        // The renames happened in the container, but the run died before it wrote that down.
        harness.Docker.Databases.Add(kept.Kept);

        await harness.Get<KeptStores>().PutPostgresBackAsync(kept, "1", CancellationToken.None);

        Assert.That(harness.Docker.Databases, Is.EquivalentTo(new[] { "postgres", "intelgraph_dev" }), "the kept database is live again; " +
            "what replaced it is dropped");
        Assert.That(harness.Docker.Calls.Count(FakeDocker.IsRename), Is.EqualTo(1));
    }

    [Test]
    public async Task A_swap_is_not_cancelled_half_way()
    {
        using var harness = new CoreHarness();
        harness.Docker.Databases.Add("intelgraph_dev_sdr_in_1");
        var kept = new KeptPostgres(
            "postgres", "intelgraph_dev", "intelgraph_dev_sdr_kept_1", "intelgraph_dev_sdr_in_1", Existed: true, Swapped: false);
        using var cancellation = new CancellationTokenSource();
        CancellationToken seen = default;
        harness.Docker.When(FakeDocker.IsRename, async (spec, token) =>
        {
            seen = token;
            await cancellation.CancelAsync();
            await Task.Delay(100, CancellationToken.None);
            return FakeDocker.Result();
        });

        KeptPostgres? swapped = null;
        await harness.Get<ScriptRunner>().RunAsync(harness.Get<KeptStores>().SwapPostgresIn(kept, s => swapped = s), cancellation.Token);

        Assert.That(swapped?.Swapped, Is.True, "a rename that started is finished and recorded, whatever the caller's token says");
        Assert.That(seen.IsCancellationRequested, Is.False);
    }

    [TestCase(true, TestName = "A rename asked again after it committed unseen is recorded as swapped, the live database kept")]
    [TestCase(false, TestName = "A rename asked again after it committed unseen is recorded as swapped, on a fresh server")]
    public async Task A_rename_asked_again_after_it_committed_unseen_is_recorded_as_swapped(bool existed)
    {
        using var harness = new CoreHarness();
        harness.Docker.Databases.Add("intelgraph_dev_sdr_in_1");
        if (!existed)
        {
            harness.Docker.Databases.Remove("intelgraph_dev");
        }

        var kept = new KeptPostgres(
            "postgres", "intelgraph_dev", "intelgraph_dev_sdr_kept_1", "intelgraph_dev_sdr_in_1", Existed: true, Swapped: false);
        var first = true;
        harness.Docker.When(s => FakeDocker.IsRename(s) && first, (_, _) =>
        {
            // An interrupt ended the docker client; psql went on and committed in the container, and the step asks again.
            first = false;
            harness.Docker.Databases.Remove("intelgraph_dev_sdr_in_1");
            if (existed)
            {
                harness.Docker.Databases.Add("intelgraph_dev_sdr_kept_1");
            }

            harness.Docker.Databases.Add("intelgraph_dev");
            return Task.FromResult(FakeDocker.Result(1, stderr: "psql:<command-line>:1: ERROR:  3D000: database " +
                "\"intelgraph_dev_sdr_in_1\" does not exist\nLOCATION:  get_db_info, dbcommands.c:1712\n"));
        });

        KeptPostgres? swapped = null;
        await harness.Get<ScriptRunner>().RunAsync(
            harness.Get<KeptStores>().SwapPostgresIn(kept, s => swapped = s), CancellationToken.None);

        Assert.That(swapped, Is.EqualTo(kept with { Existed = existed, Swapped = true }), "what the rollback reads says what happened");
    }

    [Test]
    public async Task A_failed_neo4j_load_puts_every_store_back_from_what_was_kept()
    {
        using var harness = await HarnessWithBackupAsync();
        harness.Docker.When(FakeDocker.IsNeo4jLoad, 1, "Load failed for database 'neo4j'");

        var error = Assert.ThrowsAsync<OperationFailedException>(() => RestoreAsync(harness));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("Load failed for database 'neo4j'").And.Contain("the platform is as it was before " +
                "the restore"));
            Assert.That(harness.Docker.Volume, Is.EquivalentTo(Live), "the old Neo4j store is back, nothing else is left in the volume");
            Assert.That(harness.Docker.Databases, Is.EquivalentTo(new[] { "postgres", "intelgraph_dev" }), "PostgreSQL is back under its " +
                "name; no copy is left");
            Assert.That(File.ReadAllText(Path.Combine(harness.WorkDir, "server", "uploads", "imports", "entities.csv")),
                Is.EqualTo("changed"));
            Assert.That(Directory.GetDirectories(Path.Combine(harness.WorkDir, "server")).Select(Path.GetFileName),
                Is.EqualTo(new[] { "uploads" }));
            Assert.That(harness.Docker.Containers["neo4j"].Running, Is.True);
            Assert.That(harness.Docker.Lines.Count(l => l.StartsWith("start", StringComparison.Ordinal)), Is.EqualTo(1),
                "the old store went back before Neo4j started again");
            Assert.That(KeptStateStore.For(new BackupRoot(harness.Root)).Read(), Is.Empty, "nothing is kept: nothing is replaced");
        });
    }

    [Test]
    public async Task A_failed_swap_of_postgres_puts_neo4j_and_the_uploads_back_too()
    {
        using var harness = await HarnessWithBackupAsync();
        // The stores swap side by side: PostgreSQL's rename fails once Neo4j and the uploads are swapped in.
        harness.Docker.When(FakeDocker.IsRename, async (_, token) =>
        {
            while (!harness.Docker.Lines.Any(l => l.StartsWith("start neo4j", StringComparison.Ordinal)))
            {
                await Task.Delay(10, token);
            }

            return FakeDocker.Result(1, stderr: "ERROR:  permission denied to rename database");
        });

        var error = Assert.ThrowsAsync<OperationFailedException>(() => RestoreAsync(harness));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("permission denied to rename database").And.Contain("Put Neo4j, uploads " +
                "back").And.Contain("the platform is as it was before the restore"));
            Assert.That(harness.Docker.Volume, Is.EquivalentTo(Live));
            Assert.That(File.ReadAllText(Path.Combine(harness.WorkDir, "server", "uploads", "imports", "entities.csv")),
                Is.EqualTo("changed"));
            Assert.That(harness.Docker.Containers["neo4j"].Running, Is.True);
            Assert.That(KeptStateStore.For(new BackupRoot(harness.Root)).Read(), Is.Empty);
        });
    }

    [Test]
    public async Task Cancellation_during_the_neo4j_load_puts_everything_back_and_restarts_neo4j()
    {
        using var harness = await HarnessWithBackupAsync();
        using var cancellation = new CancellationTokenSource();
        var loadStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Docker.When(FakeDocker.IsNeo4jLoad, async (_, token) =>
        {
            loadStarted.SetResult();
            await Task.Delay(Timeout.Infinite, token);
            return FakeDocker.Result();
        });

        var restore = RestoreAsync(harness, cancellationToken: cancellation.Token);
        await loadStarted.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await cancellation.CancelAsync();

        Assert.That(async () => await restore, Throws.InstanceOf<OperationCanceledException>());
        Assert.Multiple(() =>
        {
            Assert.That(harness.Docker.Volume, Is.EquivalentTo(Live));
            Assert.That(harness.Docker.Containers["neo4j"].Running, Is.True);
            Assert.That(harness.Log.Text, Does.Contain("Restore interrupted.").And.Contain("the platform is as it was before the restore"));
            Assert.That(KeptStateStore.For(new BackupRoot(harness.Root)).Read(), Is.Empty);
        });
    }

    [Test]
    public async Task A_second_restore_replaces_the_kept_state_only_once_it_has_succeeded()
    {
        using var harness = await HarnessWithBackupAsync();
        var first = await RestoreAsync(harness);
        var firstKept = KeptStores.DatabaseName("intelgraph_dev", "kept", first.Kept.Id);
        harness.Docker.When(FakeDocker.IsNeo4jLoad, 1, "Load failed for database 'neo4j'");

        Assert.ThrowsAsync<OperationFailedException>(() => RestoreAsync(harness, at: TimeSpan.FromSeconds(2)));

        Assert.Multiple(() =>
        {
            Assert.That(KeptStateStore.For(new BackupRoot(harness.Root)).Read().Select(s => s.Id), Is.EqualTo(new[] { first.Kept.Id }),
                "the failed restore " +
                "kept nothing and freed nothing");
            Assert.That(harness.Docker.Databases, Does.Contain(firstKept));
            Assert.That(harness.Docker.Volume, Does.Contain($"/data/summit-dr-kept-{first.Kept.Id}-databases-neo4j"));
        });

        harness.Docker.When(FakeDocker.IsNeo4jLoad, 0, string.Empty);
        var third = await RestoreAsync(harness, at: TimeSpan.FromSeconds(4));

        Assert.Multiple(() =>
        {
            Assert.That(KeptStateStore.For(new BackupRoot(harness.Root)).Read().Select(s => s.Id), Is.EqualTo(new[] { third.Kept.Id }));
            Assert.That(harness.Docker.Databases, Does.Not.Contain(firstKept), "the first restore's kept database is freed");
            Assert.That(harness.Docker.Volume, Does.Not.Contain($"/data/summit-dr-kept-{first.Kept.Id}-databases-neo4j"));
            Assert.That(Directory.Exists(Path.Combine(harness.WorkDir, "server", $".summit-dr-kept-{first.Kept.Id}-uploads")), Is.False);
        });
    }
}
