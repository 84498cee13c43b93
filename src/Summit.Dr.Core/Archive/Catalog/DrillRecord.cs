namespace Summit.Dr.Archive.Catalog;

/// <summary>
/// `drill.json` in the backup's directory: the last drill's outcome. Outside the manifest's checksums (the
/// backup is not changed by being drilled), written atomically.
/// </summary>
public sealed record DrillRecord(
    int SchemaVersion, DateTimeOffset Time, string ToolVersion, string Result, double TotalSeconds, double RecoveryTimeObjectiveSeconds,
    string? Failure = null)
{
    public const string FileName = "drill.json";

    /// <summary>The result of a drill that proved its backup against the manifest.</summary>
    public const string Proven = "proven";

    /// <summary>The result of a drill that was interrupted: no verdict on the backup.</summary>
    public const string Interrupted = "interrupted";

    public static DrillRecord? Read(string backupDirectory) => BackupRecords.Read<DrillRecord>(backupDirectory, FileName);

    public void Write(string backupDirectory) => BackupRecords.Write(backupDirectory, FileName, this);
}
