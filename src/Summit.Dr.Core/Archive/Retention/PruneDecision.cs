using Summit.Dr.Model;


namespace Summit.Dr.Archive.Retention;

/// <summary>What prune does with one directory, and why.</summary>
public sealed record PruneDecision(BackupEntry Entry, bool Keep, IReadOnlyList<string> Reasons);
