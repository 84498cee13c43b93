using System.Text.Json;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>`prune` run as a process on a backup root of backups spread over months; the test controls the times through the
/// names.</summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class PruneTests
{
    private static readonly Dictionary<string, string> Utc = new() { ["TZ"] = "UTC" };
    private string _dir = null!;

    private string Root => Path.Combine(_dir, "backups");

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("summit-dr-prune-").FullName;
        foreach (var name in new[] { "20250925_120000", "20250924_120000", "20250920_120000", "20250901_120000", "20250815_120000",
            "20250710_120000" })
        {
            MakeBackup(name, 1000);
        }
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Prune_keeps_exactly_the_policys_set_and_deletes_the_rest()
    {
        using var run = await RunAsync("prune", "--keep-daily", "2", "--keep-monthly", "2", "--json");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        Assert.That(Directory.GetDirectories(Root).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { "20250925_120000", "20250924_120000", "20250815_120000" }));
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.That(json.RootElement.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(1));
        Assert.That(json.RootElement.GetProperty("removed").EnumerateArray().Select(r => r.GetProperty("name").GetString()),
            Is.EquivalentTo(new[] { "20250920_120000", "20250901_120000", "20250710_120000" }));
    }

    [Test]
    public async Task The_logs_of_failed_runs_older_than_the_oldest_backup_kept_go_with_the_backups_of_their_time()
    {
        foreach (var run in new[] { "20250709_120000", "20250810_120000", "20250926_120000" })
        {
            File.WriteAllText(Path.Combine(Root, $".failed-{run}.log"), "failed");
        }

        using var dry = await RunAsync("prune", "--keep-daily", "2", "--keep-monthly", "2", "--dry-run");
        var afterDry = Directory.GetFiles(Root, ".failed-*.log").Length;
        using var prune = await RunAsync("prune", "--keep-daily", "2", "--keep-monthly", "2");

        Assert.Multiple(() =>
        {
            Assert.That(afterDry, Is.EqualTo(3), "a dry run deletes nothing");
            Assert.That(prune.ExitCode, Is.Zero, prune.Describe());
            Assert.That(Directory.GetFiles(Root, ".failed-*.log").Select(Path.GetFileName),
                Is.EquivalentTo(new[] { ".failed-20250926_120000.log" }), "older than 20250815_120000, the oldest kept, they go");
            Assert.That(prune.Stderr, Does.Contain("Removing 2 log(s) of failed runs older than 20250815_120000"));
        });
    }

    [Test]
    public async Task Dry_run_says_what_would_go_and_why_each_survivor_stays_and_deletes_nothing()
    {
        using var run = await RunAsync("prune", "--keep-last", "1", "--dry-run");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        Assert.That(Directory.GetDirectories(Root), Has.Length.EqualTo(6));
        Assert.That(run.Stdout, Does.Contain("keep         20250925_120000              postgres: newest, last 1"));
        Assert.That(run.Stdout, Does.Contain("would remove 20250710_120000"));
    }

    [Test]
    public async Task Prune_refuses_when_the_newest_backup_is_suspiciously_small()
    {
        MakeBackup("20250926_120000", 100);

        using var refused = await RunAsync("prune", "--keep-last", "1");

        Assert.That(refused.ExitCode, Is.EqualTo(4), refused.Describe());
        Assert.That(refused.Stderr, Does.Contain("less than half the size").And.Contain("--force"));
        Assert.That(Directory.GetDirectories(Root), Has.Length.EqualTo(7), "nothing was deleted");

        using var forced = await RunAsync("prune", "--keep-last", "1", "--force");
        Assert.That(forced.ExitCode, Is.Zero, forced.Describe());
        Assert.That(Directory.GetDirectories(Root).Select(Path.GetFileName), Is.EqualTo(new[] { "20250926_120000" }));
    }

    [Test]
    public async Task Prune_refuses_when_the_newest_backup_is_incomplete()
    {
        Directory.CreateDirectory(Path.Combine(Root, ".incomplete-20250927_120000"));

        using var run = await RunAsync("prune", "--keep-last", "1");

        Assert.That(run.ExitCode, Is.EqualTo(4), run.Describe());
        Assert.That(run.Stderr, Does.Contain("is incomplete"));
        Assert.That(Directory.GetDirectories(Root), Has.Length.EqualTo(7));
    }

    [Test]
    public async Task Prune_without_a_policy_is_a_usage_error()
    {
        using var run = await RunAsync("prune");

        Assert.That(run.ExitCode, Is.EqualTo(2), run.Describe());
        Assert.That(run.Stderr, Does.Contain("prune needs a policy"));
    }

    [Test]
    public async Task Prune_takes_the_lock()
    {
        File.WriteAllText(Path.Combine(Root, ".summit-dr.lock"),
            System.Text.Json.JsonSerializer.Serialize(new
            {
                owner = new { host = Environment.MachineName, pid = Environment.ProcessId,
                    processStartedAt = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime() },
                operation = "backup",
                acquiredAt = "2025-09-25T12:00:00Z",
            }));

        using var run = await RunAsync("prune", "--keep-last", "1");

        Assert.That(run.ExitCode, Is.EqualTo(3), run.Describe());
        Assert.That(run.Stderr, Does.Contain("Another summit-dr backup is running"));
        Assert.That(Directory.GetDirectories(Root), Has.Length.EqualTo(6));
    }

    private async Task<ToolRun> RunAsync(params string[] args)
    {
        var run = ToolRun.Start(_dir, args, Utc);
        await run.WaitAsync(TimeSpan.FromMinutes(1));
        return run;
    }

    /// <summary>A runbook-style backup (no manifest): its time comes from its name.</summary>
    private void MakeBackup(string name, int bytes)
    {
        var dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "postgres.dump"), new byte[bytes]);
    }
}
