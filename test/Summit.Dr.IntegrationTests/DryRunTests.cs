using System.Text.Json;
using Summit.Dr.Engine.Processes;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// `--dry-run` on the real engine: it asks the questions only (inspect, versions, sizes, counts), changes
/// nothing, and lists exactly the commands the run then executes through the same docker CLI. The unit suite
/// compares them step by step; here the engine itself says what ran.
/// </summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class DryRunTests
{
    private static readonly HashSet<string> Questions = new(
        StringComparer.Ordinal) { "inspect", "ps", "version", "info", "--version", "volume ls", "image inspect" };

    [Test]
    public async Task A_backup_dry_run_asks_only_and_plans_exactly_what_the_run_executes()
    {
        await using var platform = await Platform.StartAsync();
        var cli = RecordingCli.Create(platform.WorkDir);
        var startedAt = await platform.StartedAtAsync(platform.Neo4j);

        using var dry = await ToolRun.RunAsync(platform.WorkDir, "backup", "--dry-run", "--json", "--docker", cli.Path);
        var asked = cli.TakeCalls();
        using var plan = JsonDocument.Parse(dry.Stdout);

        Assert.Multiple(async () =>
        {
            Assert.That(dry.ExitCode, Is.Zero, dry.Describe());
            Assert.That(asked.Where(c => !IsQuestion(c)).Select(c => string.Join(' ', c)), Is.Empty, "a dry run only asks");
            Assert.That(dry.Stdout, Does.Contain("snapshot: Neo4j is down only to copy"), "the plan says which path the dump takes and " +
                "why");
            Assert.That(Directory.Exists(platform.BackupRoot) ? Directory.GetFileSystemEntries(platform.BackupRoot) : [], Is.Empty,
                "nothing is created, not even the lock");
            Assert.That(await platform.StartedAtAsync(platform.Neo4j), Is.EqualTo(startedAt), "Neo4j was never stopped");
        });

        using var run = await ToolRun.RunAsync(platform.WorkDir, "backup", "--docker", cli.Path);
        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        AssertPlanIsRun(plan, cli.TakeCalls(), cli.Name);
    }

    [Test]
    public async Task A_restore_dry_run_asks_only_and_plans_exactly_what_the_run_executes()
    {
        await using var platform = await Platform.StartAsync();
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        var cli = RecordingCli.Create(platform.WorkDir);
        var before = Traces(await platform.KeptTracesAsync());
        using var dry = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest", "--yes", "--dry-run", "--json", "--docker", cli.Path);
        var asked = cli.TakeCalls();
        using var plan = JsonDocument.Parse(dry.Stdout);

        Assert.Multiple(async () =>
        {
            Assert.That(dry.ExitCode, Is.Zero, dry.Describe());
            Assert.That(asked.Where(c => !IsQuestion(c)).Select(c => string.Join(' ', c)), Is.Empty, "a dry run only asks");
            Assert.That(Traces(await platform.KeptTracesAsync()), Is.EqualTo(before), "nothing is kept aside: nothing was replaced");
            Assert.That(dry.Stdout, Does.Contain("load-then-swap: the dump is loaded into " +
                "/data/summit-dr-scratch-staging-"), "the plan says which path the load takes and why");
            Assert.That(platform.VisibleBackups(), Has.Count.EqualTo(1));
        });

        using var run = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest", "--yes", "--docker", cli.Path);
        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        AssertPlanIsRun(plan, cli.TakeCalls(), cli.Name);
    }

    [Test]
    public async Task A_restore_to_a_point_in_time_dry_run_asks_only_and_plans_exactly_what_the_run_executes()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        await PitrPlatform.StartAsync(platform);
        var target = await PitrPlatform.TargetBetweenAsync(platform, 1, 2);
        var cli = RecordingCli.Create(platform.WorkDir);

        using var dry = await PitrPlatform.ToolAsync(
            platform, "restore", "--to", target, "--only", "postgres", "--yes", "--dry-run", "--json", "--docker", cli.Path);
        var asked = cli.TakeCalls();

        Assert.Multiple(async () =>
        {
            Assert.That(dry.ExitCode, Is.Zero, dry.Describe());
            Assert.That(asked.Where(c => !IsQuestion(c)).Select(c => string.Join(' ', c)), Is.Empty, "a dry run only asks");
            Assert.That(await PitrPlatform.BatchesAsync(platform), Is.EqualTo("1,2"));
        });

        using var plan = JsonDocument.Parse(dry.Stdout);
        using var run = await PitrPlatform.ToolAsync(
            platform, "restore", "--to", target, "--only", "postgres", "--yes", "--docker", cli.Path);
        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        Assert.That(await PitrPlatform.BatchesAsync(platform), Is.EqualTo("1"));
        AssertPlanIsRun(plan, cli.TakeCalls(), cli.Name);
    }

    /// <summary>
    /// Every planned command ran, and every command that ran was planned (docker's own questions before the plan
    /// aside). The dry run and the run start in different seconds, so the names made of the time
    /// (YYYYMMDD_HHMMSS) are compared as such; and they are two processes, so the workbench's owner label
    /// (host/pid/start) and the one-offs' names, which end in the run's pid, are too.
    /// </summary>
    private static void AssertPlanIsRun(JsonDocument plan, IReadOnlyList<string[]> ran, string cli)
    {
        var planned = plan.RootElement.GetProperty("steps").EnumerateArray()
            .SelectMany(s => s.GetProperty("commands").EnumerateArray())
            .Select(c => Timeless(c.GetProperty("command").GetString()!))
            .ToList();
        var executed = ran.Select(args => Timeless(new ProcessSpec(cli, args).Display)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(planned, Is.Not.Empty);
            foreach (var command in planned)
            {
                Assert.That(executed.Any(e => PlanMatch.Matches(command, e)), Is.True, $"planned, never ran: {command}\nran: " +
                    $"{string.Join("\n", executed)}");
            }

            foreach (var (command, args) in executed.Zip(ran))
            {
                Assert.That(IsDockerQuestion(args) || planned.Any(p => PlanMatch.Matches(p, command)), Is.True, $"ran, never planned: " +
                    $"{command}");
            }
        });
    }

    private static string Timeless(string command) =>
        System.Text.RegularExpressions.Regex.Replace(
            System.Text.RegularExpressions.Regex.Replace(
                System.Text.RegularExpressions.Regex.Replace(command, @"\d{8}_\d{6}", "YYYYMMDD_HHMMSS"),
                @"summit-dr\.owner=\S+", "summit-dr.owner=RUN"),
            @"(summit-dr-(?:admin|safety|pgadmin|info|size)-\S+?-(?:postgres|neo4j))-\d+", "$1-PID");

    private static string Traces((string[] Databases, string[] Neo4jEntries, string[] UploadsSiblings) traces) =>
        string.Join(";", traces.Databases.Concat(traces.Neo4jEntries).Concat(traces.UploadsSiblings));

    /// <summary>What a dry run may run: docker's questions, the read-only queries of PostgreSQL and Neo4j, and who owns PostgreSQL's data
    /// directory.</summary>
    private static bool IsDockerQuestion(string[] args) =>
        Questions.Contains(args[0]) || (args.Length > 1 && Questions.Contains(args[0] + " " + args[1]));

    private static bool IsQuestion(string[] args) =>
        IsDockerQuestion(args)
        || args.Contains("du")
        || args.Contains("df")
        || args.Contains("stat")
        || (args.Contains("psql")
            && args.Any(a =>
                a.StartsWith("SHOW server_version", StringComparison.Ordinal) || a.StartsWith("SELECT 'role'", StringComparison.Ordinal)))
        || (args.Contains("cypher-shell") && args.Any(a => a.Contains("RETURN count(", StringComparison.Ordinal)));
}
