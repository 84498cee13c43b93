using Microsoft.Extensions.DependencyInjection;
using Moq;
using Summit.Dr.Backup;
using Summit.Dr.Catalog;
using Summit.Dr.Errors;
using Summit.Dr.Processes;
using Summit.Dr.Restore;
using Summit.Dr.Tests.Support;

namespace Summit.Dr.Tests.Restore;

[TestFixture]
[CancelAfter(30_000)]
public sealed class RestoreOperationTests
{
    [Test]
    public async Task Restore_verifies_then_takes_a_safety_backup_then_restores_each_store_in_order()
    {
        using var harness = await HarnessWithBackupAsync();

        var result = await RestoreAsync(harness);

        var lines = harness.Docker.Lines;
        var verify = harness.Docker.IndexOf(l => l.Contains("pg_restore --list", StringComparison.Ordinal));
        var safetyDump = harness.Docker.IndexOf(l => l.Contains("pg_dump", StringComparison.Ordinal));
        var drop = harness.Docker.IndexOf(l => l.Contains("dropdb", StringComparison.Ordinal));
        var restore = harness.Docker.IndexOf(l => l.Contains("pg_restore -U", StringComparison.Ordinal));
        var load = harness.Docker.IndexOf(l => l.Contains("database load neo4j --from-stdin --overwrite-destination=true", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(verify, Is.GreaterThanOrEqualTo(0).And.LessThan(safetyDump), "verify before the safety backup");
            Assert.That(safetyDump, Is.LessThan(drop), "safety backup before the first destructive step");
            Assert.That(drop, Is.LessThan(restore));
            Assert.That(restore, Is.LessThan(load), "PostgreSQL, then Neo4j");
            Assert.That(lines.Skip(load).First(l => l.StartsWith("start", StringComparison.Ordinal)), Is.EqualTo("start neo4j"));
            Assert.That(harness.Docker.Containers["neo4j"].Running, Is.True);
            Assert.That(result.SafetyBackup, Does.EndWith("-safety"));
            Assert.That(result.Stores.Select(s => s.State), Is.All.EqualTo(StoreState.Restored));
            Assert.That(result.ChecksPassed, Is.True, string.Join("; ", result.Checks.Select(c => c.Detail)));
            Assert.That(File.ReadAllText(Path.Combine(harness.WorkDir, "server", "uploads", "imports", "entities.csv")), Is.EqualTo("id,name\n1,alpha\n"));
        });
    }

    [Test]
    public async Task Restore_passes_exact_argument_arrays_for_the_destructive_steps()
    {
        using var harness = await HarnessWithBackupAsync();

        await RestoreAsync(harness);

        var calls = harness.Docker.Calls;
        Assert.Multiple(() =>
        {
            Assert.That(calls.Single(c => c.Arguments.Contains("dropdb")).Arguments,
                Is.EqualTo(new[] { "exec", "postgres", "dropdb", "-U", "intelgraph", "--force", "--if-exists", "intelgraph_dev" }));
            Assert.That(calls.Single(c => c.Arguments.Contains("createdb")).Arguments,
                Is.EqualTo(new[] { "exec", "postgres", "createdb", "-U", "intelgraph", "-O", "intelgraph", "intelgraph_dev" }));
            Assert.That(calls.Single(FakeDocker.IsPgRestore).Arguments, Is.EqualTo(new[]
            {
                "exec", "-i", "postgres", "pg_restore", "-U", "intelgraph", "-d", "intelgraph_dev",
                "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
            }));
            Assert.That(calls.Single(FakeDocker.IsNeo4jLoad).Arguments, Is.EqualTo(new[]
            {
                "run", "--rm", "--network", "none", "--name", "summit-dr-load-neo4j", "-i", "--volumes-from", "neo4j",
                "neo4j:5.24.0-community", "neo4j-admin", "database", "load", "neo4j", "--from-stdin", "--overwrite-destination=true",
            }));
        });
    }

    [Test]
    public async Task Without_a_terminal_and_without_yes_nothing_destructive_runs()
    {
        using var harness = await HarnessWithBackupAsync();

        var error = Assert.ThrowsAsync<UsageException>(() => RestoreAsync(harness, yes: false));

        Assert.That(error!.Message, Does.Contain("Pass --yes"));
        AssertNothingDestructive(harness);
    }

    [Test]
    public async Task A_declined_confirmation_changes_nothing()
    {
        var confirmation = new Mock<IRestoreConfirmation>();
        confirmation.Setup(c => c.CanAsk).Returns(true);
        confirmation.Setup(c => c.ConfirmAsync(It.IsAny<RestoreSummary>(), It.IsAny<CancellationToken>())).ReturnsAsync(false);
        using var harness = await HarnessWithBackupAsync(s => s.AddSingleton(confirmation.Object));

        var error = Assert.ThrowsAsync<UsageException>(() => RestoreAsync(harness, yes: false));

        Assert.That(error!.Message, Is.EqualTo("Restore not confirmed; nothing was changed."));
        AssertNothingDestructive(harness);
        confirmation.Verify(c => c.ConfirmAsync(
            It.Is<RestoreSummary>(s => s.ConfirmationWord == "intelgraph_dev" && s.Overwrites.Count == 3 && s.SafetyBackup), It.IsAny<CancellationToken>()));
    }

    [Test]
    public async Task A_failed_neo4j_load_rolls_postgres_back_from_the_safety_backup()
    {
        using var harness = await HarnessWithBackupAsync();
        var loads = 0;
        harness.Docker.When(FakeDocker.IsNeo4jLoad, async (spec, token) =>
        {
            await spec.StandardInput!.CopyToAsync(Stream.Null, token);
            return ++loads == 1 ? FakeDocker.Result(1, stderr: "Load failed for database 'neo4j'") : FakeDocker.Result();
        });

        var error = Assert.ThrowsAsync<OperationFailedException>(() => RestoreAsync(harness));

        var restores = harness.Docker.Calls.Where(FakeDocker.IsPgRestore).Select(SourceDirectory).ToList();
        var neo4jLoads = harness.Docker.Calls.Where(FakeDocker.IsNeo4jLoad).Select(SourceDirectory).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("Load failed for database 'neo4j'").And.Contain("the platform is as it was before the restore"));
            Assert.That(restores, Has.Count.EqualTo(2));
            Assert.That(restores[1], Does.EndWith("-safety"), "PostgreSQL is restored again, from the safety backup");
            Assert.That(neo4jLoads[1], Does.EndWith("-safety"), "the half-loaded Neo4j is rolled back too");
            Assert.That(harness.Docker.Containers["neo4j"].Running, Is.True);
            Assert.That(File.ReadAllText(Path.Combine(harness.WorkDir, "server", "uploads", "imports", "entities.csv")), Is.EqualTo("changed"),
                "uploads come last and were never touched");
        });
    }

    [Test]
    public async Task Without_a_safety_backup_a_failure_says_exactly_what_state_the_platform_is_in()
    {
        using var harness = await HarnessWithBackupAsync();
        harness.Docker.When(FakeDocker.IsNeo4jLoad, 1, "Load failed for database 'neo4j'");

        var error = Assert.ThrowsAsync<OperationFailedException>(() => RestoreAsync(harness, noSafety: true));

        Assert.That(error!.Message, Does.Contain("mixed state")
            .And.Contain("Neo4j NOT rolled back (there is no safety backup to roll back from)")
            .And.Contain("PostgreSQL NOT rolled back"));
        Assert.That(harness.Docker.Containers["neo4j"].Running, Is.True);
    }

    [Test]
    public async Task Cancellation_during_the_neo4j_load_still_rolls_back_and_restarts_neo4j()
    {
        using var harness = await HarnessWithBackupAsync();
        using var cancellation = new CancellationTokenSource();
        var loadStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loads = 0;
        harness.Docker.When(FakeDocker.IsNeo4jLoad, async (spec, token) =>
        {
            if (++loads == 1)
            {
                loadStarted.SetResult();
                await Task.Delay(Timeout.Infinite, token);
            }

            await spec.StandardInput!.CopyToAsync(Stream.Null, token);
            return FakeDocker.Result();
        });

        var restore = RestoreAsync(harness, cancellationToken: cancellation.Token);
        await loadStarted.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await cancellation.CancelAsync();

        Assert.That(async () => await restore, Throws.InstanceOf<OperationCanceledException>());
        Assert.Multiple(() =>
        {
            Assert.That(SourceDirectory(harness.Docker.Calls.Where(FakeDocker.IsPgRestore).Last()), Does.EndWith("-safety"));
            Assert.That(loads, Is.EqualTo(2), "Neo4j was loaded again from the safety backup");
            Assert.That(harness.Docker.Containers["neo4j"].Running, Is.True);
            Assert.That(harness.Log.Text, Does.Contain("Restore interrupted.").And.Contain("the platform is as it was before the restore"));
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
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"kind\": \"regular\"", "\"kind\": \"safety\"", StringComparison.Ordinal));

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
        var error = Assert.ThrowsAsync<IntegrityException>(() => harness.Get<BackupVerifier>().OpenAsync(damaged, CancellationToken.None));

        Assert.That(entry.State, Is.EqualTo(BackupState.Corrupt));
        Assert.That(error!.Message, Does.Contain("manifest.json in 29990101_000000 does not parse"));
    }

    private static async Task<CoreHarness> HarnessWithBackupAsync(Action<IServiceCollection>? services = null)
    {
        var harness = new CoreHarness(services: services);
        await harness.RunBackupAsync();
        harness.Docker.ClearCalls();
        File.WriteAllText(Path.Combine(harness.WorkDir, "server", "uploads", "imports", "entities.csv"), "changed");
        return harness;
    }

    private static Task<RestoreResult> RestoreAsync(CoreHarness harness, bool yes = true, bool noSafety = false, CancellationToken cancellationToken = default) =>
        harness.Get<RestoreOperation>().RunAsync(new RestoreRequest("latest", BackupComponents.All, false, yes, noSafety, DryRun: false), cancellationToken);

    private static string SourceDirectory(ProcessSpec spec) => Path.GetDirectoryName(((FileStream)spec.StandardInput!).Name)!;

    private static void AssertNothingDestructive(CoreHarness harness)
    {
        Assert.Multiple(() =>
        {
            Assert.That(harness.Docker.Lines, Has.None.Contains("dropdb").And.None.StartsWith("stop"));
            Assert.That(harness.Docker.Calls.Any(FakeDocker.IsNeo4jLoad), Is.False);
            Assert.That(harness.VisibleBackups(), Has.Count.EqualTo(1), "no safety backup either");
        });
    }
}
