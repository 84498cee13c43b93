using System.Formats.Tar;
using System.Text;
using Summit.Dr.Pitr;

namespace Summit.Dr.Tests.Pitr;

/// <summary>
/// What a sync takes from the archiver's volume (an input like any other): only top-level regular files named as
/// WAL, written whole with the volume's times; nothing else, wherever it points.
/// </summary>
[TestFixture]
[CancelAfter(10_000)]
public sealed class WalVolumeTests
{
    private const long Segment = 16 << 20;
    private static readonly DateTimeOffset Written = new(2026, 12, 1, 14, 2, 0, TimeSpan.Zero);
    private string _root = null!;
    private string _branch = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("summit-dr-walvol-").FullName;
        _branch = Directory.CreateDirectory(Path.Combine(_root, "wal", "branch")).FullName;
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task Segments_partials_and_histories_are_received_with_their_times_and_nothing_else_is()
    {
        using var tar = Tar(
            Directory_("./"),
            File_("./000000010000000000000001", "one"),
            File_("./000000010000000000000002.partial", "two, being written"),
            File_("./00000002.history", "1\t0/3000000\tno recovery target specified"),
            File_("./../escaped", "outside"),
            File_("./sub/000000010000000000000003", "nested"),
            File_("./notes.txt", "not WAL"),
            Link("./000000010000000000000004", "/etc/passwd"));

        var received = await WalVolume.ReceiveAsync(tar, _branch, Segment, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(received.Select(r => r.Name), Is.EqualTo(new[] { "000000010000000000000001", "000000010000000000000002.partial", "00000002.history" }));
            Assert.That(Directory.GetFileSystemEntries(_branch).Select(Path.GetFileName).Order(StringComparer.Ordinal),
                Is.EqualTo(new[] { "000000010000000000000001", "000000010000000000000002.partial", "00000002.history" }), "no link, no other name, no temporary left");
            Assert.That(Directory.GetFileSystemEntries(Path.Combine(_root, "wal")), Has.Length.EqualTo(1), "nothing beside the branch");
            Assert.That(File.ReadAllText(Path.Combine(_branch, "000000010000000000000001")), Is.EqualTo("one"));
            Assert.That(File.GetLastWriteTimeUtc(Path.Combine(_branch, "000000010000000000000001")), Is.EqualTo(Written.UtcDateTime), "the archive's last write is the volume's");
            Assert.That(File.GetUnixFileMode(Path.Combine(_branch, "000000010000000000000001")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        });
    }

    [Test]
    public async Task A_complete_segment_already_synced_is_not_written_again_and_a_partial_completed_since_goes()
    {
        using (var first = Tar(File_("./000000010000000000000001.partial", "half")))
        {
            await WalVolume.ReceiveAsync(first, _branch, Segment, CancellationToken.None);
        }

        using var second = Tar(File_("./000000010000000000000001", "full"), File_("./000000010000000000000002.partial", "next"));
        var received = await WalVolume.ReceiveAsync(second, _branch, Segment, CancellationToken.None);
        WalVolume.RemoveCompletedPartials(_branch, received.Select(r => r.Name));
        using var third = Tar(File_("./000000010000000000000001", "FULL"), File_("./000000010000000000000002.partial", "next"));
        var again = await WalVolume.ReceiveAsync(third, _branch, Segment, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(Directory.GetFiles(_branch).Select(Path.GetFileName).Order(StringComparer.Ordinal),
                Is.EqualTo(new[] { "000000010000000000000001", "000000010000000000000002.partial" }), "the completed segment's .partial is gone");
            Assert.That(again.Single(r => r.Name == "000000010000000000000001").Bytes, Is.Zero, "a complete segment of the same size is in place already");
            Assert.That(File.ReadAllText(Path.Combine(_branch, "000000010000000000000001")), Is.EqualTo("full"));
            Assert.That(again.Single(r => r.Name == "000000010000000000000002.partial").Bytes, Is.EqualTo(4), "a .partial grows: always taken");
        });
    }

    private static MemoryStream Tar(params TarEntry[] entries)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }

        stream.Position = 0;
        return stream;
    }

    private static PaxTarEntry File_(string name, string content) => new(TarEntryType.RegularFile, name)
    {
        DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
        ModificationTime = Written,
    };

    private static PaxTarEntry Directory_(string name) => new(TarEntryType.Directory, name);

    private static PaxTarEntry Link(string name, string target) => new(TarEntryType.SymbolicLink, name) { LinkName = target };
}
