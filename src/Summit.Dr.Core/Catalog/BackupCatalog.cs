using System.Text.Json;
using Microsoft.Extensions.Options;
using Summit.Dr.Backup;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;
using Summit.Dr.Manifest;

namespace Summit.Dr.Catalog;

/// <summary>Finds backups: a directory the user names, or `latest`.</summary>
public sealed class BackupCatalog
{
    public const string Latest = "latest";
    private readonly SummitDrOptions _options;
    private readonly WorkingDirectory _workingDirectory;

    public BackupCatalog(IOptions<SummitDrOptions> options, WorkingDirectory workingDirectory)
    {
        _options = options.Value;
        _workingDirectory = workingDirectory;
    }

    public string Root => _workingDirectory.Resolve(_options.Backup.Root);

    /// <summary>
    /// `latest` is the newest complete regular backup (never a safety backup, never unfinished work); a
    /// path is taken as given, and a bare name is also looked up in the backup root.
    /// </summary>
    public string Resolve(string backup)
    {
        if (string.Equals(backup, Latest, StringComparison.OrdinalIgnoreCase))
        {
            return FindLatest() ?? throw new IntegrityException(
                $"There is no complete backup in {Root} to take as `latest`. Run `summit-dr backup` first, or name a backup directory.");
        }

        var direct = _workingDirectory.Resolve(backup);
        if (Directory.Exists(direct))
        {
            return direct;
        }

        var inRoot = Path.Combine(Root, backup);
        return Directory.Exists(inRoot) ? inRoot : direct;
    }

    private string? FindLatest()
    {
        if (!Directory.Exists(Root))
        {
            return null;
        }

        return Directory.GetDirectories(Root)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .OrderByDescending(d => Path.GetFileName(d), StringComparer.Ordinal)
            .FirstOrDefault(IsCompleteRegular);
    }

    private static bool IsCompleteRegular(string directory)
    {
        var manifest = Path.Combine(directory, BackupManifest.FileName);
        if (!File.Exists(manifest))
        {
            // A backup made by the runbook's scripts: the artifacts, no manifest.
            return File.Exists(Path.Combine(directory, BackupLayout.PostgresFile)) || File.Exists(Path.Combine(directory, BackupLayout.Neo4jFile));
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(manifest));
            return !(document.RootElement.TryGetProperty("kind", out var kind) && kind.GetString() == "safety");
        }
        catch (JsonException)
        {
            // A damaged manifest is still the newest backup; verification will say what is wrong with it.
            return true;
        }
    }
}
