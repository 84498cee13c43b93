using System.Text.Json;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// The WAL archive across a restart of the Docker engine itself (a host reboot, a package upgrade), on an engine
/// of the test's own so the suite's engine is left alone. PostgreSQL runs with a restart policy, as the compose
/// stack runs it; dockerd starts the archiver back only if PostgreSQL happens to be up first (it does not wait
/// for a `container:` network), so `wal start`, which the samples run every minute, is what the operator relies
/// on. The slot keeps what was written meanwhile: the archive has no gap and a restore to a later time works.
/// </summary>
[TestFixture]
[CancelAfter(900_000)]
[NonParallelizable]
public sealed class PointInTimeEngineRestartTests
{
    [Test]
    public async Task After_the_engine_restarts_wal_start_streams_again_and_no_segment_is_missing()
    {
        await using var engine = await PrivateEngine.StartAsync(Repo.PostgresImage, Repo.Neo4jImage);
        await using var platform = await Platform.StartAsync(seed: false);
        await Sh.DockerRequireAsync("update", "--restart", "unless-stopped", platform.Postgres);
        await PitrPlatform.StartAsync(platform);
        await PitrPlatform.BatchAsync(platform, 1);
        await PitrPlatform.WaitArchivedAsync(platform);
        var before = PitrPlatform.Segments(platform).Where(s => s.Length == 24).ToList();

        await engine.RestartAsync();
        await Platform.WaitForPostgresAsync(platform.Postgres, platform.User, platform.Database);
        // Written perhaps before the archiver is back: then only the slot keeps it.
        await PitrPlatform.BatchAsync(platform, 2);
        await platform.PsqlAsync("SELECT pg_switch_wal()");
        using var start = await PitrPlatform.ToolAsync(platform, "wal", "start");
        await TestContext.Out.WriteLineAsync("wal start after the engine restarted: " + start.Describe());
        var target = await PitrPlatform.TargetBetweenAsync(platform, 3, 4);
        var after = PitrPlatform.Segments(platform);

        using var restore = await PitrPlatform.ToolAsync(platform, "restore", "--to", target, "--only", "postgres", "--yes");
        var restored = await PitrPlatform.BatchesAsync(platform);
        using var status = await PitrPlatform.ToolAsync(platform, "wal", "status", "--json");

        Assert.Multiple(() =>
        {
            Assert.That(start.ExitCode, Is.Zero, start.Describe());
            Assert.That(after, Is.SupersetOf(before), "the archive kept every complete segment it had");
            PitrPlatform.AssertContiguous(after);
            Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
            Assert.That(restored, Is.EqualTo("1,2,3"), "what was written before, across and after the restart, and nothing after the " +
                "target");
            Assert.That(status.ExitCode, Is.Zero, status.Describe());
            using var wal = JsonDocument.Parse(status.Stdout);
            Assert.That(wal.RootElement.GetProperty("archiver").GetString(), Is.EqualTo("running"));
        });
    }
}
