namespace Summit.Dr.Stores.Wal;

/// <summary>One file the ledger vouches for: its name, its size (for the tail: the length vouched for) and the SHA-256 of those
/// bytes.</summary>
/// <param name="Pushed">The SHA-256 of the object `push --wal` sent and read back (encrypted, it differs from <paramref name="Sha256"/>);
/// null until pushed.</param>
public sealed record WalLedgerEntry(string Name, long Size, string Sha256, DateTimeOffset LedgeredAt, string? Pushed = null);
