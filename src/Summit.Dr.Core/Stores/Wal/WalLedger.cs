namespace Summit.Dr.Stores.Wal;

/// <summary>
/// What summit-dr has seen archived in one branch of the WAL archive, kept beside the branch's directory (out of the
/// archiver's reach) in `wal/BRANCH.ledger.json` and signed with the backup key into `.sig` when signing is on: every
/// complete segment and history file by name, size and SHA-256, and the `.partial` tail by the length it had and the
/// SHA-256 of that prefix. A restore to a point in time uses only bytes the ledger vouches for.
/// </summary>
/// <param name="Activations">The branch's activations as summit-dr recorded them (branch.json must agree).</param>
/// <param name="UpdatedAt">The last extension: with signing on, the recovery point a restore can reach.</param>
public sealed record WalLedger(
    int FormatVersion,
    string Branch,
    string SystemIdentifier,
    uint Timeline,
    long SegmentSize,
    IReadOnlyList<DateTimeOffset> Activations,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<WalLedgerEntry> Files,
    WalLedgerEntry? Tail = null)
{
    public const int CurrentFormatVersion = 1;
    public const string Suffix = ".ledger.json";
    public const string SignatureSuffix = Suffix + ".sig";

    public WalLedgerEntry? Entry(string name) => Files.FirstOrDefault(f => f.Name == name);
}
