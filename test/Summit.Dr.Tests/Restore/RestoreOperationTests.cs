using Microsoft.Extensions.DependencyInjection;
using Moq;

using static Summit.Dr.Tests.Restore.RestoreHarness;
using Summit.Dr.Archive;
using Summit.Dr.Archive.Catalog;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Confirmation;
using Summit.Dr.Operations.Kept;
using Summit.Dr.Tests.Support;

namespace Summit.Dr.Tests.Restore;

[TestFixture]
[CancelAfter(30_000)]
public sealed class RestoreOperationTests
{
    [Test]
    public async Task Restore_verifies_and_prepares_beside_the_live_stores_then_swaps_them_in_keeping_the_old_ones()
    {
        using var harness = await HarnessWithBackupAsync();

        var result = await RestoreAsync(harness);

        var id = result.Kept.Id;
        var kept = KeptStores.DatabaseName("intelgraph_dev", "kept", id);
        var incoming = harness.Docker.IndexOf(l => l.Contains("pg_restore -U intelgraph -d " +
            "intelgraph_dev_sdr_in_" + id, StringComparison.Ordinal));
        var benchStart = harness.Docker.IndexOf(l => l.StartsWith("run -d", StringComparison.Ordinal));
        var stop = harness.Docker.IndexOf(l => l.StartsWith("stop", StringComparison.Ordinal));
        var moveAside = harness.Docker.IndexOf(l => l.Contains("mv -T /data/databases/neo4j", StringComparison.Ordinal));
        var load = harness.Docker.IndexOf(l => l.Contains($"database load neo4j --from-path=/data/summit-dr-scratch-incoming-{id} " +
            $"--overwrite-destination=true", StringComparison.Ordinal));
        var start = harness.Docker.IndexOf(l => l == "start neo4j");
        Assert.Multiple(() =>
        {
            Assert.That(benchStart, Is.GreaterThanOrEqualTo(0).And.LessThan(stop), "the container neo4j-admin runs in is started while " +
                "Neo4j still serves");
            Assert.That(incoming, Is.GreaterThanOrEqualTo(0), "PostgreSQL is restored into a database of its own");
            Assert.That(stop, Is.LessThan(moveAside));
            Assert.That(moveAside, Is.LessThan(load));
            Assert.That(load, Is.LessThan(start));
            Assert.That(harness.Docker.Lines.Count(l => l.StartsWith("stop", StringComparison.Ordinal)), Is.EqualTo(1),
                "one stop of Neo4j");
            Assert.That(harness.Docker.Lines.Count(l => l.StartsWith("start", StringComparison.Ordinal)), Is.EqualTo(1), "one start");
            Assert.That(harness.Docker.Containers["neo4j"].Running, Is.True);
            Assert.That(harness.Docker.Databases, Does.Contain("intelgraph_dev").And.Contain(kept), "the old database is kept under " +
                "another name");
            Assert.That(harness.Docker.Databases.Any(d => d.Contains("_sdr_in_", StringComparison.Ordinal)), Is.False);
            Assert.That(harness.Docker.Volume,
                Does.Contain($"/data/summit-dr-kept-{id}-databases-neo4j").And.Contain("/data/databases/neo4j"));
            Assert.That(File.ReadAllText(Path.Combine(harness.WorkDir, "server", "uploads", "imports", "entities.csv")),
                Is.EqualTo("id,name\n1,alpha\n"));
            Assert.That(File.ReadAllText(
                Path.Combine(harness.WorkDir, "server", $".summit-dr-kept-{id}-uploads", "imports", "entities.csv")), Is.EqualTo("changed"),
                "the replaced tree is kept, renamed");
            Assert.That(result.SafetyBackup, Is.Null, "no copy is written by default");
            Assert.That(harness.VisibleBackups(), Has.Count.EqualTo(1));
            Assert.That(KeptStateStore.For(new BackupRoot(harness.Root)).Read().Single(),
                Is.EqualTo(result.Kept).Using<KeptState>((a, b) => a.Id == b.Id && a.Complete && b.Complete));
            Assert.That(result.Stores.Select(s => s.State), Is.All.EqualTo(StoreState.Restored));
            Assert.That(result.ChecksPassed, Is.True, string.Join("; ", result.Checks.Select(c => c.Detail)));
            Assert.That(harness.Docker.Containers.ContainsKey(FakeDocker.Bench), Is.False, "the workbench is removed");
        });
    }

    [Test]
    public async Task Neo4j_is_stopped_only_once_the_postgres_copy_is_restored_so_its_load_runs_alone()
    {
        using var harness = await HarnessWithBackupAsync();
        var callsWhenRestored = -1;
        harness.Docker.When(FakeDocker.IsPgRestore, async (_, token) =>
        {
            await Task.Delay(300, token);
            callsWhenRestored = harness.Docker.Calls.Count;
            return FakeDocker.Result();
        });

        await RestoreAsync(harness);

        var stop = harness.Docker.IndexOf(l => l.StartsWith("stop", StringComparison.Ordinal));
        Assert.That(callsWhenRestored, Is.GreaterThan(0));
        Assert.That(stop, Is.GreaterThanOrEqualTo(callsWhenRestored), "no stop while pg_restore still ran");
    }

    [Test]
    public async Task Restore_passes_exact_argument_arrays_for_the_destructive_steps()
    {
        using var harness = await HarnessWithBackupAsync();

        var result = await RestoreAsync(harness);

        var id = result.Kept.Id;
        var calls = harness.Docker.Calls;
        var backup = Path.Combine(harness.Root, harness.VisibleBackups().Single());
        Assert.Multiple(() =>
        {
            Assert.That(calls.Single(c => c.Arguments.Any(a => a.StartsWith("CREATE DATABASE", StringComparison.Ordinal))).Arguments,
                Is.EqualTo(new[] { "exec", "postgres", "psql", "-U", "intelgraph", "-d", "postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                    "-c", $"DROP DATABASE IF EXISTS \"intelgraph_dev_sdr_in_{id}\" WITH (FORCE)",
                    "-c", $"CREATE DATABASE \"intelgraph_dev_sdr_in_{id}\" OWNER \"intelgraph\"" }));
            // pg_restore reads only the copy in PostgreSQL's own volume, as the data directory's owner, never the backup's file.
            Assert.That(calls.Single(c => c.Arguments.Contains("dd") && c.Arguments.Contains("postgres")).Arguments, Is.EqualTo(new[]
            {
                "exec", "-i", "--user", "999:999", "postgres", "dd", "of=/var/lib/postgresql/data/summit-dr-incoming.dump", "bs=1048576",
            }));
            Assert.That(calls.Single(FakeDocker.IsPgRestore).Arguments, Is.EqualTo(new[]
            {
                "exec", "--user", "999:999", "postgres", "pg_restore", "-U", "intelgraph", "-d", $"intelgraph_dev_sdr_in_{id}",
                "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                    "/var/lib/postgresql/data/summit-dr-incoming.dump",
            }));
            Assert.That(harness.Docker.HasFile("postgres", "/var/lib/postgresql/data/summit-dr-incoming.dump"), Is.False,
                "the copy is removed once restored");
            Assert.That(calls.Single(FakeDocker.IsRename).Arguments.Last(a => a.Contains("RENAME", StringComparison.Ordinal)),
                Is.EqualTo($"BEGIN; ALTER DATABASE \"intelgraph_dev\" RENAME TO \"intelgraph_dev_sdr_kept_{id}\"; ALTER DATABASE " +
                    $"\"intelgraph_dev_sdr_in_{id}\" RENAME TO \"intelgraph_dev\"; COMMIT;"),
                "one transaction: the live name is never missing");
            // The dump is private (0600, this user's): it is copied into Neo4j's volume through the workbench, never opened to its user by
            // a mount.
            Assert.That(calls.Single(FakeDocker.IsBenchStart).Arguments, Is.EqualTo(new[]
            {
                "run", "-d", "--rm", "--network", "none", "--stop-timeout", "0", "--name", FakeDocker.Bench, "--label",
                $"summit-dr.owner={ProcessIdentity.Current().Token}", "--volumes-from", "neo4j",
                "neo4j:5.24.0-community", "sleep", "86400",
            }));
            Assert.That(File.GetUnixFileMode(Path.Combine(backup, "neo4j.dump")),
                Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            // While Neo4j serves, its own container takes the copy as the workbench starts.
            Assert.That(calls.Single(c => c.Arguments.Contains("dd") && c.Arguments.Contains("neo4j")).Arguments, Is.EqualTo(new[]
            {
                "exec", "-i", "--user", "neo4j", "neo4j", "dd", $"of=/data/summit-dr-scratch-incoming-{id}/neo4j.dump",
                    "bs=1048576",
            }));
            Assert.That(calls.Single(FakeDocker.IsNeo4jLoad).Arguments, Is.EqualTo(new[]
            {
                "exec", "--user", "neo4j", FakeDocker.Bench, "neo4j-admin", "database", "load", "neo4j",
                    $"--from-path=/data/summit-dr-scratch-incoming-{id}", "--overwrite-destination=true",
            }));
            Assert.That(harness.Docker.Files.Keys, Is.Empty, "the copies are removed once loaded");
            Assert.That(calls.Where(c => FakeDocker.InBench(c) && c.Arguments.Contains("mv")).Select(
                c => string.Join(' ', c.Arguments.Skip(4))), Is.EquivalentTo(new[]
            {
                $"mv -T /data/databases/neo4j /data/summit-dr-kept-{id}-databases-neo4j",
                $"mv -T /data/transactions/neo4j /data/summit-dr-kept-{id}-transactions-neo4j",
            }));
        });
    }

    [Test]
    public async Task Without_a_terminal_and_without_yes_nothing_is_started()
    {
        using var harness = await HarnessWithBackupAsync();

        var error = Assert.ThrowsAsync<UsageException>(() => RestoreAsync(harness, yes: false));

        Assert.That(error!.Message, Does.Contain("Pass --yes"));
        AssertNothingDestructive(harness);
        Assert.That(harness.Docker.Calls.Any(FakeDocker.IsPgRestore), Is.False, "not even the restore beside the live database");
    }

    [Test]
    public async Task A_declined_confirmation_changes_nothing_and_removes_what_was_prepared()
    {
        var confirmation = new Mock<IRestoreConfirmation>();
        confirmation.Setup(c => c.CanAsk).Returns(true);
        confirmation.Setup(c => c.ConfirmAsync(It.IsAny<ConfirmationRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(false);
        using var harness = await HarnessWithBackupAsync(s => s.AddSingleton(confirmation.Object));

        var error = Assert.ThrowsAsync<UsageException>(() => RestoreAsync(harness, yes: false));

        Assert.That(error!.Message, Is.EqualTo("Restore not confirmed; nothing was changed."));
        AssertNothingDestructive(harness);
        confirmation.Verify(c => c.ConfirmAsync(
            It.Is<ConfirmationRequest>(s => s.ConfirmationWord == "intelgraph_dev" && s.Targets.Count == 3),
                It.IsAny<CancellationToken>()));
        Assert.Multiple(() =>
        {
            Assert.That(harness.Docker.Databases, Is.EquivalentTo(new[] { "postgres", "intelgraph_dev" }), "the restored copy was dropped");
            Assert.That(Directory.GetDirectories(Path.Combine(harness.WorkDir, "server")).Select(Path.GetFileName),
                Is.EqualTo(new[] { "uploads" }), "the extracted tree was removed");
            Assert.That(harness.Docker.Containers.ContainsKey(FakeDocker.Bench), Is.False);
        });
    }

    [Test]
    public async Task Latest_is_the_newest_complete_regular_backup()
    {
        using var harness = await HarnessWithBackupAsync();
        var regular = harness.VisibleBackups().Single();
        Directory.CreateDirectory(Path.Combine(harness.Root, ".incomplete-29990101_000000"));
        var safety = Directory.CreateDirectory(Path.Combine(harness.Root, "29990101_000000-safety")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(harness.Root, regular)))
        {
            File.Copy(file, Path.Combine(safety, Path.GetFileName(file)));
        }

        var manifest = Path.Combine(safety, "manifest.json");
        File.WriteAllText(
            manifest, File.ReadAllText(manifest).Replace("\"kind\": \"regular\"", "\"kind\": \"safety\"", StringComparison.Ordinal)
            .Replace($"\"name\": \"{regular}\"", "\"name\": \"29990101_000000-safety\"", StringComparison.Ordinal));

        var latest = harness.Get<BackupCatalog>().Resolve("latest");

        Assert.That(Path.GetFileName(latest), Is.EqualTo(regular));
    }

    [Test]
    public async Task A_manifest_missing_fields_is_reported_as_corrupt_not_a_crash()
    {
        using var harness = await HarnessWithBackupAsync();
        var damaged = Directory.CreateDirectory(Path.Combine(harness.Root, "29990101_000000")).FullName;
        File.WriteAllText(Path.Combine(damaged, "manifest.json"), "{\"kind\": \"regular\"}");

        var entry = harness.Get<BackupCatalog>().List().Single(e => e.Name == "29990101_000000");
        var error = Assert.ThrowsAsync<IntegrityException>(() => harness.Get<BackupOpener>().OpenAsync(damaged, CancellationToken.None));

        Assert.That(entry.State, Is.EqualTo(BackupState.Corrupt));
        Assert.That(error!.Message, Does.Contain("manifest.json in 29990101_000000 does not parse"));
    }

    [Test]
    public async Task With_restore_jobs_pg_restore_runs_side_by_side_instead_of_in_one_transaction()
    {
        using var harness = new CoreHarness(o => o.Postgres.RestoreJobs = 2);
        await harness.RunBackupAsync();
        harness.Docker.ClearCalls();

        await RestoreAsync(harness, at: TimeSpan.FromSeconds(2));

        var restore = harness.Docker.Calls.Single(FakeDocker.IsPgRestore).Arguments;
        Assert.That(restore, Does.Contain("-j").And.Contain("2").And.Not.Contain("--single-transaction"));
        Assert.That(restore[^1], Is.EqualTo("/var/lib/postgresql/data/summit-dr-incoming.dump"), "from the verified copy, as always");
    }
}
