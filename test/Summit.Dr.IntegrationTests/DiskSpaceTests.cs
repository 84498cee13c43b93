using System.Text.RegularExpressions;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;


namespace Summit.Dr.IntegrationTests;

/// <summary>A backup that cannot fit never stops Neo4j; a disk that fills up mid-run leaves Neo4j running and nothing half
/// written.</summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class DiskSpaceTests
{
    [Test]
    public async Task A_backup_that_cannot_fit_is_refused_before_neo4j_is_stopped()
    {
        await using var platform = await Platform.StartAsync();
        await using var disk = await SmallDisk.MountAsync(Path.Combine(platform.WorkDir, "small-disk"), megabytes: 2);
        var startedAt = await StartedAtAsync(platform);

        using var run = await ToolRun.RunAsync(platform.WorkDir, "backup", "--output", disk.Path);

        Assert.Multiple(async () =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(3), run.Describe());
            Assert.That(run.Stderr,
                Does.Match(@"summit-dr: Not enough free disk for this backup: 2\.0 MiB free at " + Regex.Escape(disk.Path) +
                @", and the backup may need up to \d+\.\d MiB \(PostgreSQL .*, Neo4j .*, uploads .*\)\. Nothing was stopped\."));
            Assert.That(await StartedAtAsync(platform), Is.EqualTo(startedAt), "Neo4j was never stopped");
            Assert.That(Directory.GetFileSystemEntries(disk.Path), Is.Empty, "nothing was written");
        });
    }

    [Test]
    public async Task A_disk_that_fills_up_during_the_backup_leaves_neo4j_running_and_no_partial_files()
    {
        await using var platform = await Platform.StartAsync();
        await using var disk = await SmallDisk.MountAsync(Path.Combine(platform.WorkDir, "small-disk"), megabytes: 64);
        await platform.SetKnobAsync("dump-slow", "3");
        using var run = ToolRun.Start(platform.WorkDir, ["backup", "--output", disk.Path]);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await platform.AdminRunsAsync("dump"))
        {
            Assert.That(run.HasExited || DateTime.UtcNow > deadline, Is.False, "the Neo4j dump never started\n" + run.Describe());
            await Task.Delay(50);
        }

        await disk.FillAsync();
        await run.WaitAsync(TimeSpan.FromMinutes(2));
        File.Delete(Path.Combine(disk.Path, "filler"));

        Assert.Multiple(async () =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(1), run.Describe());
            Assert.That(run.Stderr, Does.Contain($"summit-dr: The disk is full: no space left on the device that holds {disk.Path}. The " +
                $"unfinished backup was removed and Neo4j is running again."));
            Assert.That(run.Stderr, Does.Not.Contain("Unexpected failure"));
            Assert.That(await platform.Neo4jAnswersAsync(), Is.True);
            Assert.That(Directory.GetDirectories(disk.Path), Is.Empty, "the partial backup is gone");
            Assert.That(Directory.GetFiles(disk.Path).Select(Path.GetFileName), Has.All.Match(@"^\.failed-\d{8}_\d{6}\.log$"),
                "only the failed run's log is kept");
        });
    }

    [Test]
    public async Task A_restore_whose_uploads_cannot_fit_beside_the_live_tree_is_refused_before_anything_is_touched()
    {
        await using var platform = await Platform.StartAsync();
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        await using var disk = await SmallDisk.MountAsync(Path.Combine(platform.WorkDir, "small-disk"), megabytes: 1);
        var uploads = Path.Combine(disk.Path, "uploads");
        Directory.CreateDirectory(uploads);
        File.WriteAllText(Path.Combine(uploads, "current.csv"), "live");
        // What is left is less than the backup's uploads (about 300 KB).
        await Sh.RequireAsync("dd", "if=/dev/zero", "of=" + Path.Combine(disk.Path, "filler"), "bs=64k", "count=12");
        var before = await PlatformState.CaptureAsync(platform);

        using var run = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest", "--yes", "--set", "Uploads:Path=" + uploads);

        Assert.Multiple(async () =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(3), run.Describe());
            Assert.That(run.Stderr,
                Does.Match(@"summit-dr: Not enough free disk to restore the uploads: \d+(\.\d)? KiB free at " + Regex.Escape(disk.Path) +
                @", and the backup's uploads need \d+(\.\d)? KiB there beside the live tree until the swap\. Nothing was touched\."));
            Assert.That(File.ReadAllText(Path.Combine(uploads, "current.csv")), Is.EqualTo("live"));
            Assert.That(Directory.GetFileSystemEntries(disk.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "uploads", "filler" }),
                "no staging directory");
            Assert.That(await platform.Neo4jAnswersAsync(), Is.True);
        });
        before.AssertEqual(await PlatformState.CaptureAsync(platform), "the refused restore touched nothing");
    }

    private static async Task<string> StartedAtAsync(Platform platform) =>
        (await Sh.DockerRequireAsync("inspect", "--type", "container", "--format", "{{.State.StartedAt}} " +
            "{{.State.Running}}", platform.Neo4j)).Trim();
}
