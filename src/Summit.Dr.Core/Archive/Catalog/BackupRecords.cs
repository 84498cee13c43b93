using System.Text.Json;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Model;

namespace Summit.Dr.Archive.Catalog;

/// <summary>
/// The records this machine keeps beside a backup (`drill.json`, `pushed.json`): outside the manifest's checksums, written
/// atomically, and read back like every record summit-dr wrote for itself: a regular file of this user's, 0600, of a
/// record's size. One that is missing, unsafe or unreadable is no record.
/// </summary>
internal static class BackupRecords
{
    private const long MaxBytes = 64 << 10;

    public static T? Read<T>(string backupDirectory, string fileName)
        where T : class
    {
        try
        {
            return SafeFiles.ReadOwn(Path.Combine(backupDirectory, fileName), MaxBytes) is { } bytes
                ? JsonSerializer.Deserialize<T>(bytes, JsonDefaults.Options) : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or UnsafeFileException)
        {
            return null;
        }
    }

    public static void Write<T>(string backupDirectory, string fileName, T record) =>
        SafeFiles.WriteAtomically(
            Path.Combine(backupDirectory, fileName), stream => JsonSerializer.Serialize(stream, record, JsonDefaults.Options));
}
