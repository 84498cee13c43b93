using System.Text.Json;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// Point-in-time recovery around the rest of the tool: a whole-platform restore to a time (Neo4j and uploads from
/// the newest backup before it, each store said), a drill to a time proved in scratch containers, the archive
/// pushed off-site segment by segment, pruned behind the oldest base backup kept, and reported as metrics.
/// </summary>
[TestFixture]
[CancelAfter(900_000)]
[NonParallelizable]
public sealed class PointInTimePlatformTests
{
    [Test]
    public async Task A_whole_platform_restore_to_a_time_takes_neo4j_and_uploads_from_the_newest_backup_before_it()
    {
        await using var platform = await Platform.StartAsync();
        await PitrPlatform.StartAsync(platform);
        using (var full = await PitrPlatform.ToolAsync(platform, "backup"))
        {
            Assert.That(full.ExitCode, Is.Zero, full.Describe());
        }

        var backup = platform.VisibleBackups().Order(StringComparer.Ordinal).Last();
        var uploads = Platform.HashTree(platform.Uploads);
        var target = await PitrPlatform.TargetBetweenAsync(platform, 1, 2, platform.ChangeEverythingAsync);

        using var restore = await PitrPlatform.ToolAsync(platform, "restore", "--to", target, "--yes", "--json");

        Assert.Multiple(async () =>
        {
            Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
            Assert.That(await PitrPlatform.BatchesAsync(platform), Is.EqualTo("1"));
            Assert.That(await platform.NodeCountAsync(), Is.EqualTo(Platform.SeededNodes), "Neo4j as backed up");
            Assert.That(Platform.HashTree(platform.Uploads), Is.EqualTo(uploads), "uploads as backed up");
            using var json = JsonDocument.Parse(restore.Stdout);
            var stores = json.RootElement.GetProperty("stores").EnumerateArray().ToDictionary(
                s => s.GetProperty("component").GetString()!, s => s.GetProperty("detail").GetString()!);
            Assert.That(stores["postgres"], Does.StartWith("restored to "));
            Assert.That(stores["neo4j"], Is.EqualTo("restored from " + backup));
        });
    }

    [Test]
    public async Task A_drill_to_a_time_proves_recovery_stopped_there_and_touches_nothing_live()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        await PitrPlatform.StartAsync(platform);
        var target = await PitrPlatform.TargetBetweenAsync(platform, 1, 2);

        using var drill = await PitrPlatform.ToolAsync(platform, "drill", "--to", target, "--json");

        Assert.Multiple(async () =>
        {
            Assert.That(drill.ExitCode, Is.Zero, drill.Describe());
            using var json = JsonDocument.Parse(drill.Stdout);
            var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(
                c => c.GetProperty("name").GetString()!, c => c);
            Assert.That(checks["postgres point in time"].GetProperty("passed").GetBoolean(), Is.True);
            Assert.That(checks["postgres rows " +
                "public.batches"].GetProperty("detail").GetString(), Does.Contain(": 100 rows"), "only the batch before the target");
            Assert.That(await PitrPlatform.BatchesAsync(platform), Is.EqualTo("1,2"), "the live platform is untouched");
            Assert.That((await Sh.DockerAsync("ps", "-a", "--filter", "label=summit-dr.drill", "-q")).StandardOutput.Trim(), Is.Empty);
        });
    }

    [Test]
    public async Task The_archive_goes_off_site_segment_by_segment_and_prune_keeps_what_the_oldest_base_needs()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        await using var s3 = await RemoteServer.StartS3Async();
        await PitrPlatform.StartAsync(platform);
        await platform.PsqlAsync("CREATE TABLE filler AS SELECT g AS id, repeat('x', 1000) AS pad FROM generate_series(1, 50000) g");
        await Task.Delay(1100);
        using (var second = await PitrPlatform.ToolAsync(platform, "backup", "--only", "postgres"))
        {
            Assert.That(second.ExitCode, Is.Zero, second.Describe());
        }

        await PitrPlatform.WaitArchivedAsync(platform);
        var branch = Directory.GetDirectories(Path.Combine(platform.BackupRoot, "wal")).Single();
        var complete = Directory.GetFiles(branch).Select(Path.GetFileName).OfType<string>().Where(f => f.Length == 24).Order(
            StringComparer.Ordinal).ToList();
        using var push = ToolRun.Start(platform.WorkDir, ["push", "--wal", "--json", .. s3.Settings(), .. PitrPlatform.On], s3.Environment);
        await push.WaitAsync(TimeSpan.FromMinutes(5));
        var first = await s3.GetAsync($"summit-dr/wal/{Path.GetFileName(branch)}/{complete[0]}");
        var local = await File.ReadAllBytesAsync(Path.Combine(branch, complete[0]));
        using var list = ToolRun.Start(
            platform.WorkDir, ["list", "--remote", "--json", .. s3.Settings(), .. PitrPlatform.On], s3.Environment);
        await list.WaitAsync(TimeSpan.FromMinutes(1));
        // A kept backup whose manifest cannot be read: what its point-in-time range needs is unknown, so no WAL goes.
        var older = Path.Combine(platform.BackupRoot, platform.VisibleBackups().Order(StringComparer.Ordinal).First(), "manifest.json");
        var saved = await File.ReadAllBytesAsync(older);
        await File.WriteAllTextAsync(older, "{ damaged");
        using var skipped = await PitrPlatform.ToolAsync(platform, "prune", "--keep-last", "1", "--json");
        var kept = Directory.GetFiles(branch).Length;
        await File.WriteAllBytesAsync(older, saved);
        using var prune = await PitrPlatform.ToolAsync(platform, "prune", "--keep-last", "1", "--json");
        var left = Directory.GetFiles(branch).Select(Path.GetFileName).OfType<string>().Where(f => f.Length >= 24).Order(
            StringComparer.Ordinal).ToList();
        using var status = await PitrPlatform.ToolAsync(platform, "wal", "status", "--set", "Metrics:TextfileDir=metrics");
        var metrics = File.ReadAllText(Path.Combine(platform.WorkDir, "metrics", "summit_dr_wal.prom"));
        var promtool = await Sh.RunAsync(
            "promtool", ["check", "metrics"], stdin: File.OpenRead(Path.Combine(platform.WorkDir, "metrics", "summit_dr_wal.prom")));

        Assert.Multiple(async () =>
        {
            Assert.That(push.ExitCode, Is.Zero, push.Describe());
            Assert.That(first, Is.EqualTo(local), "a segment off-site is the segment");
            Assert.That(list.ExitCode, Is.Zero, list.Describe());
            Assert.That(list.Stdout, Does.Not.Contain("\"name\": \"wal\""), "the archive is not a backup");
            Assert.That(skipped.ExitCode, Is.Zero, skipped.Describe());
            Assert.That(skipped.Stderr, Does.Contain($"WAL is not pruned: the manifest of " +
                $"{Path.GetFileName(Path.GetDirectoryName(older))}"));
            Assert.That(JsonDocument.Parse(skipped.Stdout).RootElement.GetProperty("walSegmentsRemoved").GetInt32(), Is.Zero);
            Assert.That(kept, Is.GreaterThanOrEqualTo(complete.Count), "every segment is still there");
            Assert.That(prune.ExitCode, Is.Zero, prune.Describe());
            Assert.That(JsonDocument.Parse(prune.Stdout).RootElement.GetProperty("walSegmentsRemoved").GetInt32(), Is.GreaterThan(0));
            Assert.That(left, Does.Not.Contain(complete[0]), "WAL before the oldest base backup kept goes");
            PitrPlatform.AssertContiguous(left);
            Assert.That(status.ExitCode, Is.Zero, status.Describe());
            Assert.That(metrics,
                Does.Contain("summit_dr_wal_last_archived_timestamp_seconds").And.Contain("summit_dr_wal_lag_bytes").And.Contain(
                    "summit_dr_wal_archive_bytes"));
            Assert.That(promtool.ExitCode, Is.Zero, promtool.StandardOutput + promtool.StandardError);
        });
    }
}
