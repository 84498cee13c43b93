using System.Diagnostics;
using Summit.Dr.Stores.Uploads;

namespace Summit.Dr.IntegrationTests;

/// <summary>The uploads archive as the runbook's GNU tar reads it: every entry rooted at uploads/.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class UploadsArchiveGnuTarTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("summit-dr-uploads-").FullName;
        Summit.Dr.Testing.UploadsSample.Create(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Every_entry_is_rooted_at_uploads_and_gnu_tar_lists_it()
    {
        var archive = Path.Combine(_dir, "uploads.tar.gz");
        await using (var output = File.Create(archive))
        {
            await UploadsArchive.WriteAsync(Path.Combine(_dir, "uploads"), output, CancellationToken.None);
        }

        using var tar = Process.Start(
            new ProcessStartInfo("tar", ["-tzf", archive]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var listing = (await tar.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await tar.WaitForExitAsync();

        Assert.Multiple(() =>
        {
            Assert.That(tar.ExitCode, Is.Zero, "GNU tar reads the archive");
            Assert.That(listing, Is.All.StartWith("uploads/"));
            Assert.That(listing, Does.Contain("uploads/imports/2025/bundle.stix.json"));
            Assert.That(listing, Does.Contain("uploads/name with spaces & ünïcode.txt"));
            Assert.That(listing, Does.Contain("uploads/empty/"));
        });
    }
}
