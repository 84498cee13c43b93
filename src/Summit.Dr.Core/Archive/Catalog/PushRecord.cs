using System.Text.Json;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Model;

namespace Summit.Dr.Archive.Catalog;

/// <summary>
/// `pushed.json` in the backup's directory: when a push last left a complete copy of it off-site, and where. Outside the
/// manifest's checksums, written atomically. `status` falls back on it only when the remote cannot be listed, and says so;
/// a copy at another location than the configured one does not count.
/// </summary>
public sealed record PushRecord(int SchemaVersion, DateTimeOffset Time, string Location)
{
    public const string FileName = "pushed.json";

    public static PushRecord? Read(string backupDirectory)
    {
        // Read back like every record summit-dr wrote for itself: a regular file of this user's, 0600, of a record's size.
        try
        {
            return SafeFiles.ReadOwn(Path.Combine(backupDirectory, FileName), maxBytes: 64 << 10) is { } bytes
                ? JsonSerializer.Deserialize<PushRecord>(bytes, JsonDefaults.Options) : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or UnsafeFileException)
        {
            return null;
        }
    }

    public void Write(string backupDirectory) =>
        SafeFiles.WriteAtomically(
            Path.Combine(backupDirectory, FileName), stream => JsonSerializer.Serialize(stream, this, JsonDefaults.Options));
}
