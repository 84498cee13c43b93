using Summit.Dr.Catalog;

namespace Summit.Dr.Prune;

/// <summary>What prune does with one directory, and why.</summary>
public sealed record PruneDecision(BackupEntry Entry, bool Keep, IReadOnlyList<string> Reasons);
