using System.Formats.Tar;
using System.Text;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr.Tests.Pitr;

/// <summary>
/// What a sync takes from the archiver's volume (an input like any other): only top-level regular files named as
/// WAL, complete segments only whole, written with the volume's times; never a replacement for what the archive
/// holds but the growing `.partial`; nothing else, wherever it points.
/// </summary>
[TestFixture]
[CancelAfter(10_000)]
public sealed class WalVolumeTests
{
    private const long Segment = 1 << 20;
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
            File_("./000000010000000000000001", Whole('a')),
            File_("./000000010000000000000002.partial", "two, being written"),
            File_("./00000002.history", "1\t0/3000000\tno recovery target specified"),
            File_("./000000010000000000000005", "a complete segment is never this short"),
            File_("./../escaped", "outside"),
            File_("./sub/000000010000000000000003", "nested"),
            File_("./notes.txt", "not WAL"),
            Link("./000000010000000000000004", "/etc/passwd"));

        var received = await WalVolume.ReceiveAsync(tar, _branch, Segment, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(received.Select(r => r.Name),
                Is.EqualTo(new[] { "000000010000000000000001", "000000010000000000000002.partial", "00000002.history" }));
            Assert.That(Directory.GetFileSystemEntries(_branch).Select(Path.GetFileName).Order(StringComparer.Ordinal),
                Is.EqualTo(new[] { "000000010000000000000001", "000000010000000000000002.partial", "00000002.history" }),
                    "no link, no other name, no short segment, no temporary left");
            Assert.That(Directory.GetFileSystemEntries(Path.Combine(_root, "wal")), Has.Length.EqualTo(1), "nothing beside the branch");
            Assert.That(File.ReadAllText(Path.Combine(_branch, "000000010000000000000001")), Is.EqualTo(Whole('a')));
            Assert.That(File.GetLastWriteTimeUtc(Path.Combine(_branch, "000000010000000000000001")), Is.EqualTo(Written.UtcDateTime),
                "the archive's last write is the volume's");
            Assert.That(File.GetUnixFileMode(Path.Combine(_branch, "000000010000000000000001")),
                Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        });
    }

    [Test]
    public async Task What_the_archive_holds_is_never_replaced_but_the_partial_and_a_partial_goes_once_its_segment_is_there()
    {
        using (var first = Tar(File_("./000000010000000000000001.partial", "half"), File_("./000000010000000000000002.partial", "ahead")))
        {
            await WalVolume.ReceiveAsync(first, _branch, Segment, CancellationToken.None);
        }

        // The .partial of 1 was completed and renamed; the listing caught neither name of 2 (renamed while read).
        using var second = Tar(File_("./000000010000000000000001", Whole('b')), File_("./000000010000000000000003.partial", "next"));
        await WalVolume.ReceiveAsync(second, _branch, Segment, CancellationToken.None);
        WalVolume.RemoveCompletedPartials(_branch);
        using var third = Tar(File_("./000000010000000000000001", Whole('X')), File_("./000000010000000000000003.partial", "next, longer"));
        var again = await WalVolume.ReceiveAsync(third, _branch, Segment, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(Directory.GetFiles(_branch).Select(Path.GetFileName).Order(StringComparer.Ordinal),
                Is.EqualTo(new[] { "000000010000000000000001", "000000010000000000000002.partial", "000000010000000000000003.partial" }),
                "1's .partial is gone, 2's stays until its segment is here");
            Assert.That(again.Single(r => r.Name == "000000010000000000000001").Bytes, Is.Zero, "a complete segment the archive holds is " +
                "not written again");
            Assert.That(File.ReadAllText(Path.Combine(_branch, "000000010000000000000001")), Is.EqualTo(Whole('b')), "nor replaced by " +
                "what a volume says later");
            Assert.That(File.ReadAllText(Path.Combine(_branch, "000000010000000000000003.partial")), Is.EqualTo("next, longer"),
                "a .partial grows: always taken");
        });
    }

    private static string Whole(char fill) => new(fill, (int)Segment);

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
