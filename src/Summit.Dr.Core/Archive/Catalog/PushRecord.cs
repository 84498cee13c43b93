namespace Summit.Dr.Archive.Catalog;

/// <summary>
/// `pushed.json` in the backup's directory: when a push last left a complete copy of it off-site, and where. Outside the
/// manifest's checksums, written atomically. `status` falls back on it only when the remote cannot be listed, and says so;
/// a copy at another location than the configured one does not count.
/// </summary>
public sealed record PushRecord(int SchemaVersion, DateTimeOffset Time, string Location)
{
    public const string FileName = "pushed.json";

    public static PushRecord? Read(string backupDirectory) => BackupRecords.Read<PushRecord>(backupDirectory, FileName);

    public void Write(string backupDirectory) => BackupRecords.Write(backupDirectory, FileName, this);
}
