namespace Summit.Dr.Restore;

/// <summary>What the user confirms: what will be overwritten, by which backup.</summary>
public sealed record RestoreSummary(
    string Backup,
    DateTimeOffset? CreatedAt,
    long Bytes,
    IReadOnlyList<string> Overwrites,
    bool SafetyBackup,
    string ConfirmationWord);
