using Summit.Dr.Model;


namespace Summit.Dr.Operations.Confirmation;

/// <summary>
/// What an operator confirms, as facts: what is replaced or deleted, with what, and the word to type. The tool
/// puts it into words at its edge.
/// </summary>
/// <param name="Source">The backup a restore takes the stores from, or the restore whose kept state an undo puts back or deletes.</param>
/// <param name="TakenAt">When that backup was taken, where known.</param>
/// <param name="Bytes">How large the backup is, for a restore.</param>
/// <param name="SafetyBackup">A restore also writes a safety backup of the state it replaces.</param>
public sealed record ConfirmationRequest(
    ConfirmationKind Kind,
    string Source,
    DateTimeOffset? TakenAt,
    long? Bytes,
    IReadOnlyList<ConfirmationTarget> Targets,
    bool SafetyBackup,
    string ConfirmationWord);

/// <summary>Restore overwrites the live stores; undo puts the kept ones back; discard deletes them.</summary>
public enum ConfirmationKind
{
    Restore,
    Undo,
    Discard,
}

/// <summary>One store a confirmed operation changes.</summary>
/// <param name="Name">The database or the directory.</param>
/// <param name="Container">The container it lives in (none for uploads).</param>
/// <param name="Kept">Where the state before a restore is kept aside, for an undo or a discard.</param>
public sealed record ConfirmationTarget(BackupComponent Component, string Name, string? Container, string? Kept = null);
