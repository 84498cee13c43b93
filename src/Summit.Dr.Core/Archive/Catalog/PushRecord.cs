using System.Text.Json;
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
        var path = Path.Combine(backupDirectory, FileName);
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<PushRecord>(File.ReadAllText(path), JsonDefaults.Options) : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Write(string backupDirectory) =>
        SafeFiles.WriteAtomically(
            Path.Combine(backupDirectory, FileName), stream => JsonSerializer.Serialize(stream, this, JsonDefaults.Options));
}
