using System.Formats.Tar;
using System.IO.Compression;
using Summit.Dr.Errors;
using Summit.Dr.Stores.Uploads;

namespace Summit.Dr.Tests.Uploads;

[TestFixture]
[CancelAfter(30_000)]
public sealed class UploadsArchiveTests
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
    public async Task Archive_reads_back_with_the_same_files_and_bytes()
    {
        var archive = Path.Combine(_dir, "uploads.tar.gz");
        UploadsStats written;
        await using (var output = File.Create(archive))
        {
            written = await UploadsArchive.WriteAsync(Path.Combine(_dir, "uploads"), output, CancellationToken.None);
        }

        await using var input = File.OpenRead(archive);
        var read = await UploadsArchive.ReadAsync(input, CancellationToken.None);
        var tree = await UploadsTreeHash.OfDirectoryAsync(Path.Combine(_dir, "uploads"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(read.TreeSha256, Is.EqualTo(tree), "the archive's contents hash as the tree on disk does");
            Assert.That(written.Files, Is.EqualTo(3));
            Assert.That(written.Bytes, Is.EqualTo(200_006));
            Assert.That(written.Directories, Is.EqualTo(4));
            Assert.That(read with { Skipped = [], TreeSha256 = null }, Is.EqualTo(written with { Skipped = [] }));
        });
    }

    [Test]
    public async Task Symbolic_links_are_reported_and_not_archived()
    {
        File.CreateSymbolicLink(Path.Combine(_dir, "uploads", "escape"), "/etc/passwd");
        await using var output = new MemoryStream();

        var written = await UploadsArchive.WriteAsync(Path.Combine(_dir, "uploads"), output, CancellationToken.None);

        output.Position = 0;
        var read = await UploadsArchive.ReadAsync(output, CancellationToken.None);
        Assert.That(written.Skipped, Is.EqualTo(new[] { "uploads/escape (symbolic link)" }));
        Assert.That(read.Skipped, Is.Empty, "no link entry in the archive");
    }

    [Test]
    public async Task A_truncated_archive_does_not_read_back()
    {
        await using var output = new MemoryStream();
        await UploadsArchive.WriteAsync(Path.Combine(_dir, "uploads"), output, CancellationToken.None);
        var truncated = new MemoryStream(output.ToArray()[..(int)(output.Length - 20)]);

        Assert.That(async () => await UploadsArchive.ReadAsync(truncated, CancellationToken.None),
            Throws.InstanceOf<IntegrityException>().With.Message.Contains("uploads.tar.gz is damaged"));
    }

    /// <summary>
    /// Some bits of a deflate stream are never used by the decoder, so a flip there changes nothing. The
    /// guarantee is that damage is never silent: every flip is refused, or the extracted content is intact.
    /// (GZipStream alone can end early on a damaged block without an error; the trailer check catches it.)
    /// </summary>
    [Test]
    public async Task A_flipped_byte_is_refused_unless_the_content_is_intact()
    {
        await using var output = new MemoryStream();
        await UploadsArchive.WriteAsync(Path.Combine(_dir, "uploads"), output, CancellationToken.None);
        var original = output.ToArray();
        var expected = HashTree(Path.Combine(_dir, "uploads"));
        var refused = 0;
        const int positions = 40;

        for (var i = 0; i < positions; i++)
        {
            var bytes = (byte[])original.Clone();
            bytes[(original.Length / 3) + (i * original.Length / (3 * positions))] ^= 0x55;
            var destination = Path.Combine(_dir, "flip-" + i);
            try
            {
                await UploadsArchive.ExtractAsync(new MemoryStream(bytes), destination, CancellationToken.None);
                Assert.That(HashTree(Path.Combine(destination, "uploads")), Is.EquivalentTo(expected), $"flip at position {i} was " +
                    $"accepted, so the content must be intact");
            }
            catch (IntegrityException ex)
            {
                Assert.That(ex.Message, Does.StartWith("uploads.tar.gz is damaged"));
                refused++;
            }
        }

        Assert.That(refused, Is.GreaterThan(positions / 2), "most flips in the compressed data change the content and are refused");
    }

    private static Dictionary<string, string> HashTree(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(
                f => Path.GetRelativePath(root, f), f =>
                    Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));

    [TestCase("uploads/../../etc/cron.d/evil", TarEntryType.RegularFile, null, "path with ..")]
    [TestCase("/etc/passwd", TarEntryType.RegularFile, null, "absolute path")]
    [TestCase("server/uploads/a.csv", TarEntryType.RegularFile, null, "outside uploads/")]
    [TestCase("uploads/escape", TarEntryType.SymbolicLink, "/etc/shadow", "link to /etc/shadow")]
    [TestCase("uploads/hard", TarEntryType.HardLink, "/etc/shadow", "link to /etc/shadow")]
    [TestCase("uploads/tty", TarEntryType.CharacterDevice, null, "CharacterDevice entry")]
    [TestCase("uploads/pipe", TarEntryType.Fifo, null, "Fifo entry")]
    public async Task Unsafe_entries_are_refused_and_nothing_of_them_is_written(
        string name, TarEntryType type, string? link, string problem)
    {
        var unsafeEntry = new PaxTarEntry(type, name);
        if (link is not null)
        {
            unsafeEntry.LinkName = link;
        }

        if (type == TarEntryType.RegularFile)
        {
            unsafeEntry.DataStream = new MemoryStream([9]);
        }

        var archive = await ArchiveWithAsync(
            new PaxTarEntry(TarEntryType.RegularFile, "uploads/fine.txt") { DataStream = new MemoryStream([1, 2, 3]) }, unsafeEntry);
        var destination = Path.Combine(_dir, "extract");

        var error = Assert.ThrowsAsync<IntegrityException>(() => UploadsArchive.ExtractAsync(archive, destination, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain($"'{name}' ({problem})"));
        Assert.That(error.ExitCode, Is.EqualTo(4));
        Assert.That(File.Exists("/etc/cron.d/evil"), Is.False);
        Assert.That(Directory.EnumerateFileSystemEntries(_dir, "*", SearchOption.AllDirectories).Where(
            p => p.Contains("extract", StringComparison.Ordinal) && !Directory.Exists(p)),
            Is.All.EndsWith("fine.txt"), "only the safe entry before it was written");
    }

    [Test]
    public async Task Entries_written_with_a_leading_dot_slash_are_accepted()
    {
        var archive = await ArchiveWithAsync(
            new PaxTarEntry(TarEntryType.Directory, "./uploads/"),
            new PaxTarEntry(TarEntryType.RegularFile, "./uploads/a.txt") { DataStream = new MemoryStream([1]) });
        var destination = Path.Combine(_dir, "extract");

        var stats = await UploadsArchive.ExtractAsync(archive, destination, CancellationToken.None);

        Assert.That(stats.Files, Is.EqualTo(1));
        Assert.That(File.ReadAllBytes(Path.Combine(destination, "uploads", "a.txt")), Is.EqualTo(new byte[] { 1 }));
    }

    private static async Task<MemoryStream> ArchiveWithAsync(params TarEntry[] entries)
    {
        var output = new MemoryStream();
        await using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                await tar.WriteEntryAsync(entry);
            }
        }

        output.Position = 0;
        return output;
    }
}
