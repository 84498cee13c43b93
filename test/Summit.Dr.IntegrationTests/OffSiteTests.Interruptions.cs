using System.Text.Json;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>Off-site copies interrupted: a push cut off mid-upload, and a store that drops out and comes back.</summary>
public sealed partial class OffSiteTests
{
    [Test]
    public async Task A_push_cut_off_mid_upload_leaves_nothing_complete_off_site_and_the_local_backup_untouched()
    {
        await using var server = await StartAsync("s3");
        await using var platform = await Platform.StartAsync();
        WriteRandom(Path.Combine(platform.Uploads, "scans", "large.bin"), 40 << 20);
        string[] remote = [.. server.Settings(), "--set", "Remote:PartSizeMiB=5", "--set", "Remote:Retries=1"];
        using (var backup = await RunAsync(platform, server, ["backup", "--only", "uploads"]))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        var name = platform.VisibleBackups().Single();
        var local = Path.Combine(platform.BackupRoot, name);
        var hashes = Hashes(local);

        using var push = ToolRun.Start(platform.WorkDir, ["push", "latest", .. remote], server.Environment);
        await WaitUntilAsync(
            () => Directory.EnumerateFiles(server.DataDirectory, "*", SearchOption.AllDirectories).Any(
                f => f.Contains(name, StringComparison.Ordinal) || f.Contains("multipart", StringComparison.OrdinalIgnoreCase)),
                    "the push's first bytes reach the server");
        await server.KillAsync();
        await push.WaitAsync(TimeSpan.FromMinutes(3));

        Assert.Multiple(() =>
        {
            Assert.That(push.ExitCode, Is.EqualTo(1), push.Describe());
            Assert.That(push.Stderr, Does.Contain("No complete copy was left off-site").And.Contain("local backup is untouched"));
            Assert.That(Hashes(local), Is.EquivalentTo(hashes), "the local backup is untouched");
        });

        await server.StartAsync();
        using (var list = await RunAsync(platform, server, ["list", "--remote", "--json", .. remote]))
        {
            Assert.That(list.ExitCode, Is.Zero, list.Describe());
            using var json = JsonDocument.Parse(list.Stdout);
            Assert.That(json.RootElement.GetProperty("backups").EnumerateArray().Select(b => b.GetProperty("state").GetString()),
                Has.None.EqualTo("complete"));
        }

        using (var pull = await RunAsync(platform, server, ["pull", name, .. remote]))
        {
            Assert.That(pull.ExitCode, Is.EqualTo(4).Or.EqualTo(2), pull.Describe());
        }

        using (var again = await RunAsync(platform, server, ["push", "latest", .. remote]))
        {
            Assert.That(again.ExitCode, Is.Zero, "a second push replaces what the first left: " + again.Describe());
        }

        using var after = await RunAsync(platform, server, ["list", "--remote", "--json", .. remote]);
        using var listed = JsonDocument.Parse(after.Stdout);
        Assert.That(listed.RootElement.GetProperty("backups").EnumerateArray().Single().GetProperty("state").GetString(),
            Is.EqualTo("complete"));
    }

    [Test]
    public async Task A_push_whose_store_drops_out_mid_upload_and_comes_back_is_retried_with_backoff_and_completes()
    {
        await using var server = await StartAsync("s3");
        await using var platform = await Platform.StartAsync();
        WriteRandom(Path.Combine(platform.Uploads, "scans", "large.bin"), 40 << 20);
        string[] remote = [.. server.Settings(), "--set", "Remote:PartSizeMiB=5", "--set", "Remote:Retries=5", "--set",
            "Remote:RetryDelaySeconds=1"];
        using (var backup = await RunAsync(platform, server, ["backup", "--only", "uploads"]))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        var name = platform.VisibleBackups().Single();
        using var push = ToolRun.Start(platform.WorkDir, ["push", "latest", .. remote], server.Environment);
        await WaitUntilAsync(
            () => Directory.EnumerateFiles(server.DataDirectory, "*", SearchOption.AllDirectories).Any(
                f => f.Contains(name, StringComparison.Ordinal) || f.Contains("multipart", StringComparison.OrdinalIgnoreCase)),
                    "the push's first bytes reach the server");
        await server.KillAsync();
        await server.StartAsync();
        await push.WaitAsync(TimeSpan.FromMinutes(3));

        Assert.Multiple(() =>
        {
            Assert.That(push.ExitCode, Is.Zero, push.Describe());
            Assert.That(push.Stderr, Does.Contain("retrying in"));
        });
        using var list = await RunAsync(platform, server, ["list", "--remote", "--json", .. remote]);
        using var json = JsonDocument.Parse(list.Stdout);
        Assert.That(json.RootElement.GetProperty("backups").EnumerateArray().Single().GetProperty("state").GetString(),
            Is.EqualTo("complete"));
    }
}
