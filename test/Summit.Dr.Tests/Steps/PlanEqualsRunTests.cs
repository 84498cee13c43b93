using Summit.Dr.Configuration;
using Summit.Dr.Model;
using Summit.Dr.Operations.Backup;
using Summit.Dr.Operations.Restore;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Steps;
using Summit.Dr.Tests.Support;


namespace Summit.Dr.Tests.Steps;

/// <summary>
/// `--dry-run` is the run: each operation goes through the fake engine twice, once as a dry run and once for
/// real, and the plan must list exactly the commands the run executed, step by step, in order, with the same
/// steps side by side. The dry run itself runs nothing that changes anything and creates nothing.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class PlanEqualsRunTests
{
    private static readonly HashSet<string> Questions = new(StringComparer.Ordinal) { "inspect", "ps", "version", "info" };

    public static IEnumerable<TestCaseData> Backups()
    {
        yield return new TestCaseData("postgres,neo4j,uploads", null, false).SetName("Backup_of_every_store");
        yield return new TestCaseData("postgres", null, false).SetName("Backup_of_postgres_only");
        yield return new TestCaseData("neo4j,uploads", null, false).SetName("Backup_of_neo4j_and_uploads");
        yield return new TestCaseData(
            "postgres,neo4j,uploads", (Action<SummitDrOptions>)(o => o.Neo4j.DumpTransfer = Neo4jDumpTransfer.Stream), false).SetName(
                "Backup_streaming_the_neo4j_dump");
        yield return new TestCaseData(
            "postgres,neo4j,uploads", (Action<SummitDrOptions>)(o => o.Neo4j.AdminSyntax = "4.4"), false).SetName(
                "Backup_with_the_4_4_syntax");
        yield return new TestCaseData("postgres,neo4j,uploads", null, true).SetName("Backup_from_a_snapshot");
        yield return new TestCaseData(
            "neo4j", (Action<SummitDrOptions>)(o => o.Neo4j.DumpTransfer = Neo4jDumpTransfer.Stream), true).SetName(
                "Backup_streaming_from_a_snapshot");
        yield return new TestCaseData("neo4j", (Action<SummitDrOptions>)(o => o.Neo4j.AdminSyntax = "4.4"), true).SetName(
            "Backup_from_a_snapshot_with_the_4_4_syntax");
    }

    [TestCaseSource(nameof(Backups))]
    public async Task A_backup_dry_run_plans_exactly_the_commands_the_run_executes(
        string only, Action<SummitDrOptions>? configure, bool room, CancellationToken cancellationToken)
    {
        using var harness = new CoreHarness(configure);
        harness.Docker.Neo4jVolumeFreeKiB = room ? 100 * 1024 * 1024 : 1024;
        var components = BackupComponents.Parse(only);
        harness.Time.Stop();

        var plan = await harness.Backup.RunAsync(new BackupRequest(components, DryRun: true), cancellationToken);
        AssertNothingChanged(harness);
        harness.Docker.ClearCalls();
        var run = await harness.Backup.RunAsync(new BackupRequest(components, DryRun: false), cancellationToken);

        var compared = PlanComparison.AssertSame(plan.Steps, run.Steps);
        AssertRecordsHoldEveryCall(harness, run.Steps);
        TestContext.Out.WriteLine($"{TestContext.CurrentContext.Test.Name}: {compared} commands compared in {run.Steps.Count} steps");
        Assert.That(compared, Is.GreaterThan(0));
    }

    public static IEnumerable<TestCaseData> Restores()
    {
        yield return new TestCaseData("postgres,neo4j,uploads", false, null, false).SetName("Restore_of_every_store");
        yield return new TestCaseData("postgres,neo4j,uploads", true, null, false).SetName("Restore_with_a_safety_backup");
        yield return new TestCaseData("neo4j", false, null, false).SetName("Restore_of_neo4j_only");
        yield return new TestCaseData(
            "postgres,uploads", false, (Action<SummitDrOptions>)(o => o.Neo4j.DumpTransfer = Neo4jDumpTransfer.Stream), false).SetName(
                "Restore_of_postgres_and_uploads_streaming");
        yield return new TestCaseData("postgres,neo4j,uploads", false, null, true).SetName("Restore_loading_then_swapping");
        yield return new TestCaseData("neo4j", true, null, true).SetName("Restore_loading_then_swapping_with_a_safety_backup");
    }

    [TestCaseSource(nameof(Restores))]
    public async Task A_restore_dry_run_plans_exactly_the_commands_the_run_executes(
        string only, bool safety, Action<SummitDrOptions>? configure, bool room, CancellationToken cancellationToken)
    {
        using var harness = new CoreHarness(configure);
        harness.Docker.Neo4jVolumeFreeKiB = room ? 100 * 1024 * 1024 : 1024;
        await harness.RunBackupAsync(cancellationToken);
        harness.Time.Advance(TimeSpan.FromSeconds(5));
        harness.Time.Stop();
        var request = new RestoreRequest(
            "latest", BackupComponents.Parse(only), ExplicitSelection: true, Yes: true, SafetyBackup: safety, DryRun: true);
        harness.Docker.ClearCalls();

        var plan = await harness.Get<RestoreOperation>().RunAsync(request, cancellationToken);
        AssertNothingChanged(harness, backups: 1);
        harness.Docker.ClearCalls();
        var run = await harness.Get<RestoreOperation>().RunAsync(request with { DryRun = false }, cancellationToken);

        var compared = PlanComparison.AssertSame(plan.Records, run.Records);
        AssertRecordsHoldEveryCall(harness, run.Records);
        TestContext.Out.WriteLine($"{TestContext.CurrentContext.Test.Name}: {compared} commands compared in {run.Records.Count} steps");
        Assert.That(compared, Is.GreaterThan(0));
    }

    [Test]
    public void A_step_that_runs_commands_may_not_start_steps_of_its_own_a_dry_run_would_not_see_them()
    {
        using var harness = new CoreHarness();
        var steps = harness.Get<StepRunner>();
        steps.Begin(dryRun: false);

        var error = Assert.ThrowsAsync<InvalidOperationException>(() =>
            steps.RunAsync(
                "outer", () => Script.InProcess("a step inside", token => steps.RunAsync("inner", () => Script.Empty, token)),
                CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("'inner' starts inside step 'outer'"));
    }

    /// <summary>Only questions reached the engine, and nothing was written: no backup, no lock, no kept state, no journal.</summary>
    private static void AssertNothingChanged(CoreHarness harness, int backups = 0)
    {
        Assert.Multiple(() =>
        {
            Assert.That(harness.Docker.Calls.Where(c => !IsQuestion(c)).Select(c => string.Join(' ', c.Arguments)), Is.Empty,
                "a dry run runs only what asks");
            Assert.That(harness.VisibleBackups(), Has.Count.EqualTo(backups));
            Assert.That(Directory.Exists(harness.Root) ? Directory.GetFileSystemEntries(harness.Root).Where(
                e => !Directory.Exists(e)) : [], Is.Empty, "no lock, journal or kept state");
            Assert.That(harness.AllDirectories(), Has.Count.EqualTo(backups), "no unfinished work either");
        });
    }

    /// <summary>The run's records are complete: every command the engine saw is in a step.</summary>
    private static void AssertRecordsHoldEveryCall(CoreHarness harness, IReadOnlyList<StepRecord> records) =>
        Assert.That(
            records.SelectMany(r => r.Commands).Select(c => c.Display).Order(StringComparer.Ordinal),
            Is.EqualTo(harness.Docker.Calls.Select(c => c.Display).Order(StringComparer.Ordinal)),
            "every command the engine saw belongs to a step");

    /// <summary>What a dry run may run: docker's questions, the read-only queries of PostgreSQL and Neo4j, and who owns PostgreSQL's data
    /// directory.</summary>
    private static bool IsQuestion(ProcessSpec spec) =>
        Questions.Contains(spec.Arguments[0])
        || spec.Arguments.Contains("du")
        || spec.Arguments.Contains("df")
        || spec.Arguments.Contains("stat")
        || (spec.Arguments.Contains("psql") && spec.Arguments.Any(a => a.StartsWith("SHOW server_version", StringComparison.Ordinal)))
        || (spec.Arguments.Contains("cypher-shell") && spec.Arguments.Any(a => a.Contains("RETURN count(", StringComparison.Ordinal)));
}
