using System.Text.Json;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>Retention never deletes the last copy of a store: a backup made with --only counts only for the stores it holds.</summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class RetentionPerStoreTests
{
    [Test]
    public async Task An_uploads_only_backup_never_prunes_away_the_last_backup_of_postgres_and_neo4j()
    {
        await using var platform = await Platform.StartAsync();
        var full = await BackUpAsync(platform);
        var uploadsOnly = await BackUpAsync(platform, "--only", "uploads");

        using var dryRun = await ToolRun.RunAsync(platform.WorkDir, "prune", "--keep-last", "1", "--dry-run");
        using var prune = await ToolRun.RunAsync(platform.WorkDir, "prune", "--keep-last", "1");

        Assert.Multiple(() =>
        {
            Assert.That(dryRun.ExitCode, Is.Zero, dryRun.Describe());
            Assert.That(dryRun.Stdout, Does.Contain($"keep         {full,-28} postgres: newest, last 1; neo4j: newest, last " +
                $"1"), "which store's rule keeps it");
            Assert.That(dryRun.Stdout, Does.Contain($"keep         {uploadsOnly,-28} uploads: newest, last 1"));
            Assert.That(prune.ExitCode, Is.Zero, prune.Describe());
            Assert.That(platform.VisibleBackups(), Is.EquivalentTo(new[] { full, uploadsOnly }));
        });

        var secondUploadsOnly = await BackUpAsync(platform, "--only", "uploads");
        using var again = await ToolRun.RunAsync(platform.WorkDir, "prune", "--keep-last", "1", "--json");

        Assert.That(again.ExitCode, Is.Zero, again.Describe());
        Assert.That(platform.VisibleBackups(), Is.EquivalentTo(new[] { full, secondUploadsOnly }), "the older uploads-only backup goes; " +
            "the only PostgreSQL and Neo4j copy stays");
        using var json = JsonDocument.Parse(again.Stdout);
        Assert.That(json.RootElement.GetProperty("removed").EnumerateArray().Select(r => r.GetProperty("name").GetString()),
            Is.EqualTo(new[] { uploadsOnly }));
    }

    [Test]
    public async Task The_size_gate_compares_a_store_with_the_same_store_of_the_backup_before()
    {
        await using var platform = await Platform.StartAsync();
        await BackUpAsync(platform);
        await BackUpAsync(platform, "--only", "uploads");
        // PostgreSQL shrinks to a fraction of what the first backup holds: the next full backup is suspicious.
        await platform.PsqlAsync("DROP TABLE risk_signals; DELETE FROM users WHERE id > 10;");
        var small = await BackUpAsync(platform);

        using var refused = await ToolRun.RunAsync(platform.WorkDir, "prune", "--keep-last", "1");

        Assert.Multiple(() =>
        {
            Assert.That(refused.ExitCode, Is.EqualTo(4), refused.Describe());
            Assert.That(refused.Stderr, Does.Contain($"The newest backup of postgres, {small} " +
                $"(postgres.dump:").And.Contain("less than half the size").And.Contain("--force"));
            Assert.That(platform.VisibleBackups(), Has.Count.EqualTo(3), "nothing was deleted");
        });
    }

    private static async Task<string> BackUpAsync(Platform platform, params string[] args)
    {
        using var run = await ToolRun.RunAsync(platform.WorkDir, ["backup", "--json", .. args]);
        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        using var json = JsonDocument.Parse(run.Stdout);
        return json.RootElement.GetProperty("name").GetString()!;
    }
}
