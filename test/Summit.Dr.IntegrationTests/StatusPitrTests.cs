using System.Text.Json;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// `status` with point-in-time recovery on, on the real PostgreSQL 15: PostgreSQL's recovery point is the archive's last
/// second, so an archiver stopped for longer than the RPO breaches it for PostgreSQL alone, while Neo4j and the uploads,
/// backed up since, are within.
/// </summary>
[TestFixture]
[CancelAfter(600_000)]
[NonParallelizable]
public sealed class StatusPitrTests
{
    [Test]
    public async Task With_the_archiver_stopped_longer_than_the_rpo_only_postgres_is_breached()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        await PitrPlatform.StartAsync(platform);
        await PitrPlatform.BatchAsync(platform, 1);
        await PitrPlatform.WaitArchivedAsync(platform);
        using (var streaming = await PitrPlatform.ToolAsync(platform, "status", "--json", "--set", "Objectives:RpoMinutes=0.25"))
        {
            using var json = JsonDocument.Parse(streaming.Stdout);
            Assert.That(Store(json, "postgres").GetProperty("source").GetString(),
                Is.EqualTo("WAL archive: the archiver streams, archived up to now"), streaming.Describe());
        }

        await Sh.DockerRequireAsync("stop", "summit-dr-wal-" + platform.Postgres);
        await Task.Delay(TimeSpan.FromSeconds(16));
        using (var backup = await PitrPlatform.ToolAsync(platform, "backup", "--only", "neo4j,uploads"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        using var run = await PitrPlatform.ToolAsync(platform, "status", "--set", "Objectives:RpoMinutes=0.25");
        using var status = await PitrPlatform.ToolAsync(platform, "status", "--json", "--set", "Objectives:RpoMinutes=0.25");

        TestContext.Out.WriteLine(run.Stdout);
        Assert.That(run.ExitCode, Is.EqualTo(5), run.Describe());
        using var document = JsonDocument.Parse(status.Stdout);
        var rpo = document.RootElement.GetProperty("breaches").EnumerateArray().Select(b => b.GetString()!)
            .Where(b => b.StartsWith("RPO:", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(rpo, Has.Count.EqualTo(1));
            Assert.That(rpo[0], Does.StartWith("RPO: postgres's newest recovery point is").And.Contain("over the 15 s objective"));
            Assert.That(Store(document, "postgres").GetProperty("source").GetString(), Is.EqualTo("WAL archive: its last archived second"));
            Assert.That(Store(document, "postgres").GetProperty("ageSeconds").GetDouble(), Is.GreaterThan(15));
            Assert.That(Store(document, "neo4j").GetProperty("ageSeconds").GetDouble(), Is.LessThan(15));
            Assert.That(Store(document, "uploads").GetProperty("ageSeconds").GetDouble(), Is.LessThan(15));
        });
    }

    private static JsonElement Store(JsonDocument document, string store) =>
        document.RootElement.GetProperty("stores").EnumerateArray().Single(s => s.GetProperty("store").GetString() == store);
}
