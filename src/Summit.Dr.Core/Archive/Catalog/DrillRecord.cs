using System.Text.Json;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Model;

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

    public static DrillRecord? Read(string backupDirectory)
    {
        // Read back like every record summit-dr wrote for itself: a regular file of this user's, 0600, of a record's size.
        try
        {
            return SafeFiles.ReadOwn(Path.Combine(backupDirectory, FileName), maxBytes: 64 << 10) is { } bytes
                ? JsonSerializer.Deserialize<DrillRecord>(bytes, JsonDefaults.Options) : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or UnsafeFileException)
        {
            return null;
        }
    }

    public void Write(string backupDirectory)
    {
        SafeFiles.WriteAtomically(
            Path.Combine(backupDirectory, FileName), stream => JsonSerializer.Serialize(stream, this, JsonDefaults.Options));
    }
}
