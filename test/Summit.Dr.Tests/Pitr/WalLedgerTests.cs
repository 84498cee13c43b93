using System.Security.Cryptography;
using Summit.Dr.Errors;
using Summit.Dr.Stores.Wal;
using Summit.Dr.Model;

namespace Summit.Dr.Tests.Pitr;

/// <summary>What the ledger lets a restore use, and how a laid file is checked against it on its way.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class WalLedgerTests
{
    private const long Segment = 16 << 20;
    private string _root = null!;
    private WalArchive _archive = null!;
    private WalBranch _branch = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("summit-dr-ledger-").FullName;
        _archive = new WalArchive(new BackupRoot(_root));
        _branch = _archive.Activate(
            new WalBranch("7300000000000000001", 1, Segment, "postgres", "postgres:16-alpine", []), DateTimeOffset.UtcNow);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public void A_laid_file_whose_bytes_changed_after_they_were_ledgered_is_refused()
    {
        var path = Write("000000010000000000000002", 4096);
        var entry = Entry(path);
        var bytes = File.ReadAllBytes(path);
        bytes[100] ^= 0xFF;
        File.WriteAllBytes(path, bytes);

        using var read = new LedgeredRead(path, entry, signedOnly: false);
        var refused = Assert.Throws<IntegrityException>(() => read.CopyTo(Stream.Null));

        Assert.That(refused!.Message, Does.Contain("000000010000000000000002 is not what the WAL ledger recorded"));
    }

    [Test]
    public void Signed_only_a_tail_is_cut_to_the_length_the_ledger_vouched_for_and_that_prefix_checked()
    {
        var path = Write("000000010000000000000003.partial", 8192);
        var entry = Entry(path, 4096);

        using var signed = new LedgeredRead(path, entry, signedOnly: true);
        using var unsigned = new LedgeredRead(path, entry, signedOnly: false);

        Assert.That(signed.Length, Is.EqualTo(4096));
        Assert.That(unsigned.Length, Is.EqualTo(8192), "without signing the whole tail is laid, its ledgered prefix checked");
        signed.CopyTo(Stream.Null);
        unsigned.CopyTo(Stream.Null);
        File.WriteAllBytes(path, new byte[100]);
        Assert.Throws<IntegrityException>(() => new LedgeredRead(path, entry, signedOnly: true).Dispose(), "a tail shorter than its " +
            "ledgered length");
    }

    [Test]
    public void With_signing_a_segment_inside_the_signed_range_the_ledger_does_not_name_is_refused_and_one_after_it_is_not_used()
    {
        var signed = Write("000000010000000000000002", (int)Segment);
        var planted = Write("000000020000000000000002", (int)Segment);
        var newer = Write("000000010000000000000004", (int)Segment);
        var ledger = new WalLedger(
            1, _branch.Name, _branch.SystemIdentifier, 1, Segment, _branch.Activations, DateTimeOffset.UtcNow, [Entry(signed)], null);
        var set = new WalLedgerSet(new Dictionary<string, WalLedger> { [_branch.Name] = ledger }, signedOnly: true);

        var refused = Assert.Throws<IntegrityException>(() => set.Usable(_branch, _archive.Files(_branch)));
        File.Delete(planted);
        var usable = set.Usable(_branch, _archive.Files(_branch));

        Assert.That(refused!.Message, Does.Contain("000000020000000000000002").And.Contain("does not vouch for"));
        Assert.That(usable.Select(f => f.Path), Is.EqualTo(new[] { signed }), $"{Path.GetFileName(newer)} came after the last signed " +
            $"sync: not used, not refused");
    }

    private string Write(string name, int size)
    {
        var path = Path.Combine(_archive.PathOf(_branch), name);
        File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(size));
        return path;
    }

    private static WalLedgerEntry Entry(string path, long? length = null)
    {
        var bytes = File.ReadAllBytes(path);
        var size = length ?? bytes.Length;
        return new WalLedgerEntry(
            Path.GetFileName(path), size, Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(0, (int)size))), DateTimeOffset.UtcNow);
    }
}
