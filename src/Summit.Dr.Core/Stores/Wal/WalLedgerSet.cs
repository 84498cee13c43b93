using Summit.Dr.Errors;


namespace Summit.Dr.Stores.Wal;

/// <summary>
/// The ledgers a restore to a point in time reads, and what they let it use. With <see cref="SignedOnly"/> (trusted
/// keys set), only ledgered bytes: complete segments and history files the ledger names with their size, the tail up
/// to the length it vouched for; inside the signed range of a branch, a file the ledger does not name is refused.
/// Without, the ledger catches rot: a ledgered file is used only while its bytes are still the ledgered ones.
/// </summary>
public sealed class WalLedgerSet(IReadOnlyDictionary<string, WalLedger> ledgers, bool signedOnly)
{
    public static readonly WalLedgerSet None = new(new Dictionary<string, WalLedger>(), signedOnly: false);

    public bool SignedOnly => signedOnly;

    public WalLedger? Of(WalBranch branch) => ledgers.GetValueOrDefault(branch.Name);

    /// <summary>The ledger's word on a file of the archive (by its branch directory and name): its size (the tail: the length vouched for)
    /// and SHA-256.</summary>
    public WalLedgerEntry? Expected(string path)
    {
        var branch = Path.GetFileName(Path.GetDirectoryName(path)) ?? string.Empty;
        if (!ledgers.TryGetValue(branch, out var ledger))
        {
            return null;
        }

        var name = Path.GetFileName(path);
        return ledger.Entry(name) ?? (ledger.Tail is { } tail && IsTail(tail, name) ? tail : null);
    }

    /// <summary>
    /// The files of a branch a restore may use: with <see cref="SignedOnly"/>, those the ledger names with their size (the
    /// tail when it holds at least the length vouched for), and a file inside the signed range the ledger does not name
    /// is refused (exit 4, nothing touched); else every file.
    /// </summary>
    public IReadOnlyList<WalFile> Usable(WalBranch branch, IReadOnlyList<WalFile> files)
    {
        if (!signedOnly)
        {
            return files;
        }

        var ledger = Of(branch)!;
        var signedUpTo = ledger.Files.Select(f => WalFileName.Parse(f.Name, branch.SegmentSize)).OfType<WalFileName>().Select(
            n => n.Segment).DefaultIfEmpty().Max();
        var usable = new List<WalFile>();
        foreach (var file in files)
        {
            var name = file.Name.FileName(branch.SegmentSize);
            if (ledger.Entry(name) is { } entry ? entry.Size == file.Size : ledger.Tail is { } tail && IsTail(tail, name)
                && file.Size >= tail.Size)
            {
                usable.Add(file);
            }
            else if (!file.Name.Partial && file.Name.Segment <= signedUpTo)
            {
                throw new IntegrityException($"The WAL archive holds {name} in {branch.Name}, which its signed ledger does not vouch " +
                    $"for: it was planted or changed. Nothing was touched; move it away.");
            }
        }

        return usable;
    }

    /// <summary>The tail the ledger saw as `NAME.partial` is the prefix of NAME once pg_receivewal has completed it.</summary>
    private static bool IsTail(WalLedgerEntry tail, string name) => tail.Name == name || tail.Name == name + WalFileName.PartialSuffix;

    /// <summary>With <see cref="SignedOnly"/>, until when the branch's WAL is vouched for: its ledger's last signed extension.</summary>
    public DateTimeOffset? SignedUntil(WalBranch branch) => signedOnly ? Of(branch)?.UpdatedAt : null;

    /// <summary>A history file a restore would lay: with <see cref="SignedOnly"/> it must be ledgered, else it is refused.</summary>
    public void RequireHistory(string path)
    {
        if (signedOnly && Expected(path) is null)
        {
            throw new IntegrityException($"The WAL archive holds {Path.GetFileName(path)} in " +
                $"{Path.GetFileName(Path.GetDirectoryName(path))}, a timeline history its signed ledger does not vouch for: it was " +
                    $"planted. Nothing was touched; move it away.");
        }
    }
}
