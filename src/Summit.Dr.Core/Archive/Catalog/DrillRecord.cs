using System.Text.Json;
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

    public static DrillRecord? Read(string backupDirectory)
    {
        var path = Path.Combine(backupDirectory, FileName);
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<DrillRecord>(File.ReadAllText(path), JsonDefaults.Options) : null;
        }
        catch (JsonException)
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
