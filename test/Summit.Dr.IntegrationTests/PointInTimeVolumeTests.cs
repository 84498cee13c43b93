using System.Text.Json;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// The archive where the engine cannot see the backup root (a remote engine): the archiver writes into a volume
/// on the engine's host, and summit-dr syncs it into the archive, here forced with Pitr:Archive=volume on the
/// local engine. A restore and a drill to a time sync first and reach it; synced segments leave the volume.
/// </summary>
[TestFixture]
[CancelAfter(900_000)]
[NonParallelizable]
public sealed class PointInTimeVolumeTests
{
    private static readonly string[] Volume = ["--set", "Pitr:Archive=volume"];

    [Test]
    public async Task The_archiver_writes_into_a_volume_a_restore_to_a_time_syncs_it_first_and_undo_brings_the_rest_back()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        await PitrPlatform.StartAsync(platform, Volume);
        var archiver = "summit-dr-wal-" + platform.Postgres;
        var mounts = await MountsAsync(archiver);
        var anonymous = mounts.Where(m => m.StartsWith("volume:/var/lib/postgresql/data:", StringComparison.Ordinal)).Select(
            m => m.Split(':')[2]).ToList();
        var afterStart = PitrPlatform.Segments(platform);
        var target = await PitrPlatform.TargetBetweenAsync(platform, 1, 2);
        await platform.PsqlAsync("SELECT pg_switch_wal()");
        await PitrPlatform.BatchAsync(platform, 3);
        await PitrPlatform.WaitArchivedAsync(platform);
        var beforeRestore = PitrPlatform.Segments(platform);

        using var drill = await PitrPlatform.ToolAsync(platform, ["drill", "--to", target, "--json", .. Volume]);
        var synced = PitrPlatform.Segments(platform);
        var inVolume = await VolumeFilesAsync(platform);
        using var restore = await PitrPlatform.ToolAsync(platform, ["restore", "--to", target, "--only", "postgres", "--yes", .. Volume]);
        var restored = await PitrPlatform.BatchesAsync(platform);
        var mountsAfter = await MountsAsync(archiver);
        var leftBehind = new List<string>();
        foreach (var volume in anonymous)
        {
            if ((await Sh.DockerAsync("volume", "inspect", volume)).ExitCode == 0)
            {
                leftBehind.Add(volume);
            }
        }

        using var undo = await PitrPlatform.ToolAsync(platform, ["undo", "--yes", .. Volume]);

        Assert.Multiple(async () =>
        {
            Assert.That(mounts, Does.Contain("volume:/summit-dr-wal:summit-dr-wal-" + platform.Postgres).And.None.StartsWith("bind:"),
                "a volume, not the backup root");
            Assert.That(afterStart, Is.Not.Empty, "wal start waits until the first segment is synced");
            Assert.That(beforeRestore, Is.EqualTo(afterStart), "nothing reaches the archive between syncs: the test sees what a remote " +
                "engine's user would");
            Assert.That(drill.ExitCode, Is.Zero, drill.Describe());
            using (var json = JsonDocument.Parse(drill.Stdout))
            {
                var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(
                    c => c.GetProperty("name").GetString()!, c => c);
                Assert.That(checks["postgres rows " +
                    "public.batches"].GetProperty("detail").GetString(), Does.Contain(": 100 rows"), "the drill synced the volume and " +
                        "stopped at the target");
            }

            PitrPlatform.AssertContiguous(synced);
            Assert.That(synced.Count, Is.GreaterThan(afterStart.Count));
            Assert.That(inVolume.Where(
                f => !f.EndsWith(".partial", StringComparison.Ordinal) && !f.EndsWith(".history", StringComparison.Ordinal)), Is.Empty,
                "complete segments leave the volume once synced: " + string.Join(", ", inVolume));
            Assert.That(inVolume.Where(f => f.EndsWith(".partial", StringComparison.Ordinal)), Has.Exactly(1).Items, "the segment being " +
                "written stays in the volume");
            Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
            Assert.That(restored, Is.EqualTo("1"), "exactly the batch before the target");
            Assert.That(mountsAfter, Does.Contain("volume:/summit-dr-wal:summit-dr-wal-" + platform.Postgres).And.None.StartsWith("bind:"),
                "the archiver goes on in the volume on the new timeline");
            Assert.That(leftBehind, Is.Empty, "a replaced archiver takes the anonymous volume its image's VOLUME gave it along");
            Assert.That(undo.ExitCode, Is.Zero, undo.Describe());
            Assert.That(await PitrPlatform.BatchesAsync(platform), Is.EqualTo("1,2,3"));
        });
    }

    /// <summary>The container's mounts as TYPE:DESTINATION:NAME.</summary>
    private static async Task<string[]> MountsAsync(string container) =>
        (await Sh.DockerRequireAsync("inspect", "--format", "{{range .Mounts}}{{.Type}}:{{.Destination}}:{{.Name}} " +
            "{{end}}", container)).Trim().Split(' ');

    /// <summary>The files the volume holds in the archive's branch directories.</summary>
    private static async Task<IReadOnlyList<string>> VolumeFilesAsync(Platform platform)
    {
        var branches = Directory.GetDirectories(Path.Combine(platform.BackupRoot, "wal")).Select(Path.GetFileName).ToList();
        var files = new List<string>();
        foreach (var branch in branches)
        {
            var listed = await Sh.DockerRequireAsync(
                "run", "--rm", "--network", "none", "--mount", $"type=volume,source=summit-dr-wal-{platform.Postgres},target=/w,readonly",
                Repo.PostgresImage, "ls", "-1", "/w/" + branch);
            files.AddRange(listed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        return files;
    }
}
