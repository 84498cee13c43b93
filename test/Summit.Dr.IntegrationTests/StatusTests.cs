using System.Text.Json;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// `status` on a real platform, in the order an operator meets it: nothing backed up (breached), a fresh backup and a fresh
/// drill (within), a newer backup of Neo4j alone (each store's own age), and a drill older than the objective allows (stale).
/// </summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(300_000)]
public sealed class StatusTests
{
    private Platform _platform = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _platform = await Platform.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _platform.DisposeAsync();

    [Test]
    [Order(1)]
    public async Task With_no_backup_every_objective_is_breached_and_it_exits_5()
    {
        using var run = await ToolRun.RunAsync(_platform.WorkDir, "status");
        using var json = await ToolRun.RunAsync(_platform.WorkDir, "status", "--json");

        Assert.That(run.ExitCode, Is.EqualTo(5), run.Describe());
        using var document = JsonDocument.Parse(json.Stdout);
        var root = document.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(run.Stdout, Does.Contain("postgres has no recovery point").And.Contain("neo4j has no recovery point")
                .And.Contain("uploads has no recovery point").And.Contain("no drill is recorded"));
            Assert.That(root.GetProperty("within").GetBoolean(), Is.False);
            Assert.That(root.GetProperty("outcome").GetString(), Is.EqualTo("breached"));
            Assert.That(root.GetProperty("breaches").GetArrayLength(), Is.EqualTo(4));
            Assert.That(root.GetProperty("stores").EnumerateArray().Select(s => s.GetProperty("source").GetString()),
                Has.All.EqualTo("no complete backup holds it"));
        });
    }

    [Test]
    [Order(2)]
    public async Task A_fresh_backup_and_a_fresh_drill_are_within_the_objectives()
    {
        using (var backup = await ToolRun.RunAsync(_platform.WorkDir, "backup"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        using (var drilled = await ToolRun.RunAsync(_platform.WorkDir, "drill", "latest"))
        {
            Assert.That(drilled.ExitCode, Is.Zero, drilled.Describe());
        }

        var name = _platform.VisibleBackups().Single();
        using var run = await ToolRun.RunAsync(_platform.WorkDir, "status");
        using var json = await ToolRun.RunAsync(_platform.WorkDir, "status", "--json");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        TestContext.Out.WriteLine(run.Stdout);
        using var document = JsonDocument.Parse(json.Stdout);
        var root = document.RootElement;
        var drill = root.GetProperty("drill");
        Assert.Multiple(() =>
        {
            Assert.That(run.Stdout, Does.Contain("Within the recovery objectives."));
            Assert.That(root.GetProperty("stores").EnumerateArray().Select(s => s.GetProperty("source").GetString()),
                Has.All.EqualTo("manifest of " + name));
            Assert.That(root.GetProperty("stores").EnumerateArray().Select(s => s.GetProperty("ageSeconds").GetDouble()),
                Has.All.LessThan(300));
            Assert.That(drill.GetProperty("backup").GetString(), Is.EqualTo(name));
            Assert.That(drill.GetProperty("passed").GetBoolean(), Is.True);
            Assert.That(drill.GetProperty("restoreSeconds").GetDouble(), Is.GreaterThan(0).And.LessThan(600));
            Assert.That(drill.GetProperty("source").GetString(), Is.EqualTo(Path.Combine(name, "drill.json")));
            Assert.That(root.GetProperty("expectedRestore").GetProperty("scaled").GetBoolean(), Is.False, "the drill was of this one");
            Assert.That(root.GetProperty("expectedRestore").GetProperty("seconds").GetDouble(),
                Is.EqualTo(drill.GetProperty("restoreSeconds").GetDouble()).Within(0.1));
        });
    }

    [Test]
    [Order(3)]
    public async Task A_backup_of_neo4j_alone_newer_than_the_full_one_moves_only_neo4j_s_recovery_point()
    {
        var full = _platform.VisibleBackups().Single();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using (var backup = await ToolRun.RunAsync(_platform.WorkDir, "backup", "--only", "neo4j"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        var only = _platform.VisibleBackups().Single(b => b != full);
        using var json = await ToolRun.RunAsync(_platform.WorkDir, "status", "--json");

        Assert.That(json.ExitCode, Is.Zero, json.Describe());
        using var document = JsonDocument.Parse(json.Stdout);
        var stores = document.RootElement.GetProperty("stores").EnumerateArray().ToDictionary(
            s => s.GetProperty("store").GetString()!, s => s);
        Assert.Multiple(() =>
        {
            Assert.That(stores["neo4j"].GetProperty("source").GetString(), Is.EqualTo("manifest of " + only));
            Assert.That(stores["postgres"].GetProperty("source").GetString(), Is.EqualTo("manifest of " + full));
            Assert.That(stores["uploads"].GetProperty("source").GetString(), Is.EqualTo("manifest of " + full));
            Assert.That(stores["neo4j"].GetProperty("ageSeconds").GetDouble(),
                Is.LessThan(stores["postgres"].GetProperty("ageSeconds").GetDouble()));
            Assert.That(stores["neo4j"].GetProperty("recoveryPoint").GetDateTimeOffset(),
                Is.GreaterThan(stores["postgres"].GetProperty("recoveryPoint").GetDateTimeOffset()));
            var expected = document.RootElement.GetProperty("expectedRestore");
            Assert.That(expected.GetProperty("scaled").GetBoolean(), Is.True, "Neo4j would come from another backup than the drilled one");
            Assert.That(expected.GetProperty("backup").GetString(), Does.Contain(full).And.Contain(only));
            Assert.That(expected.GetProperty("seconds").GetDouble(), Is.GreaterThan(0));
        });
    }

    [Test]
    [Order(4)]
    public async Task A_drill_older_than_the_objective_allows_is_a_stale_proof()
    {
        // A tenth of a second: the drill of the test before is older than that.
        using var run = await ToolRun.RunAsync(_platform.WorkDir, "status", "--set", "Objectives:DrillMaxAgeDays=0.000001");
        using var quiet = await ToolRun.RunAsync(
            _platform.WorkDir, "status", "--quiet", "--set", "Objectives:DrillMaxAgeDays=0.000001", "--set", "Objectives:RpoMinutes=0.001");

        Assert.That(run.ExitCode, Is.EqualTo(5), run.Describe());
        TestContext.Out.WriteLine(run.Stdout);
        Assert.Multiple(() =>
        {
            Assert.That(run.Stdout, Does.Contain("Objectives breached (1):").And.Contain("RTO proof stale: the last drill is"));
            Assert.That(quiet.ExitCode, Is.EqualTo(5), quiet.Describe());
            Assert.That(quiet.Stdout, Is.Empty, "quiet: nothing but the breaches, on stderr");
            Assert.That(quiet.Stderr, Does.Contain("warning: RTO proof stale").And.Contain("warning: RPO: postgres's newest recovery " +
                "point is"));
        });
    }
}
