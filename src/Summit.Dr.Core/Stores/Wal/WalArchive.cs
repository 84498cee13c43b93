using System.Text.Json;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Model;

namespace Summit.Dr.Stores.Wal;

/// <summary>
/// The continuous WAL archive in the backup root (`backups/wal/`): one directory per stream (<see cref="WalBranch"/>),
/// each with the segments pg_receivewal wrote, the one it is writing (`.partial`), the timelines' history files
/// and `stream.json`. Private like every backup (0700, files 0600).
/// </summary>
public sealed class WalArchive(BackupRoot backupRoot)
{
    public const string DirectoryName = BackupLayout.WalDirectory;

    /// <summary>The backup root the archive lies in (whose lock guards it).</summary>
    public BackupRoot Root { get; } = backupRoot;

    public string Directory { get; } = backupRoot.Of(DirectoryName);

    public string PathOf(WalBranch stream) => Path.Combine(Directory, stream.Name);

    /// <summary>Every stream of the archive, oldest activation first; a directory without readable metadata is skipped.</summary>
    public IReadOnlyList<WalBranch> Branches()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        return System.IO.Directory.GetDirectories(Directory)
            .Where(d => SafeFiles.LinkFacts(d) is { Directory: true })
            .Select(d => Read(Path.Combine(d, WalBranch.MetadataFile)))
            .OfType<WalBranch>()
            .Where(s => s.Activations.Count > 0)
            .OrderBy(s => s.Activations[^1])
            .ToList();
    }

    /// <summary>Creates the stream's directory, or records a new activation of an existing one.</summary>
    public WalBranch Activate(WalBranch stream, DateTimeOffset now)
    {
        PrivateFiles.CreateDirectory(Directory);
        var path = PathOf(stream);
        PrivateFiles.CreateDirectory(path);
        var known = Read(Path.Combine(path, WalBranch.MetadataFile));
        if (known is not null && known.SegmentSize != stream.SegmentSize)
        {
            throw new IntegrityException($"The WAL archive {path} records segments of {known.SegmentSize} bytes, the server writes " +
                $"{stream.SegmentSize}: move the directory away before starting the archiver.");
        }

        var activated = (
            known ?? stream) with { Container = stream.Container, Image = stream.Image, Activations = [.. known?.Activations ?? [], now] };
        SafeFiles.WriteAtomically(
            Path.Combine(path, WalBranch.MetadataFile), file => JsonSerializer.Serialize(file, activated, JsonDefaults.Options));
        return activated;
    }

    /// <summary>The segment files of one stream, as they lie (complete and `.partial`).</summary>
    public IReadOnlyList<WalFile> Files(WalBranch stream)
    {
        var path = PathOf(stream);
        if (!System.IO.Directory.Exists(path))
        {
            return [];
        }

        return new DirectoryInfo(path).EnumerateFiles()
            .Select(f => WalFileName.Parse(f.Name, stream.SegmentSize) is { } name ? new WalFile(
                name, f.FullName, f.Length, f.LastWriteTimeUtc) : null)
            .OfType<WalFile>()
            .OrderBy(f => f.Name.Segment)
            .ThenBy(f => f.Name.Timeline)
            .ToList();
    }

    /// <summary>The timeline history files in one branch's directory.</summary>
    public IReadOnlyList<string> HistoryFiles(WalBranch branch) => System.IO.Directory.Exists(PathOf(branch))
        ? System.IO.Directory.EnumerateFiles(PathOf(branch), "*" + WalFileName.HistorySuffix).Where(
            f => WalFileName.ParseHistory(Path.GetFileName(f)) is not null).Order(StringComparer.Ordinal).ToList()
        : [];

    /// <summary>Every timeline history file of the server's streams, by timeline.</summary>
    public IReadOnlyDictionary<uint, string> Histories(string systemIdentifier)
    {
        var histories = new Dictionary<uint, string>();
        foreach (var stream in Branches().Where(s => s.SystemIdentifier == systemIdentifier))
        {
            foreach (var file in System.IO.Directory.EnumerateFiles(PathOf(stream), "*" + WalFileName.HistorySuffix))
            {
                if (WalFileName.ParseHistory(Path.GetFileName(file)) is { } timeline)
                {
                    histories.TryAdd(timeline, file);
                }
            }
        }

        return histories;
    }

    /// <summary>Bytes on disk, every stream together.</summary>
    public long Bytes() => System.IO.Directory.Exists(Directory)
        ? new DirectoryInfo(Directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
        : 0;

    /// <summary>When WAL was last written to the stream: its newest file's modification time.</summary>
    public DateTimeOffset? LastWrite(WalBranch stream) =>
        Files(stream).Select(f => (DateTimeOffset?)f.Modified).DefaultIfEmpty().Max();

    /// <summary>
    /// A branch's branch.json: an input like any journal (the archiver's container can write beside it). Read only as
    /// summit-dr's own 0600 file, and only when what it says is what its directory's name and PostgreSQL allow: a
    /// system identifier of digits, the timeline and system of the directory's name, a segment size PostgreSQL can have.
    /// </summary>
    private static WalBranch? Read(string path)
    {
        WalBranch? branch;
        try
        {
            branch = SafeFiles.ReadOwn(path) is { } bytes ? JsonSerializer.Deserialize<WalBranch>(bytes, JsonDefaults.Options) : null;
        }
        catch (JsonException)
        {
            return null;
        }

        var directory = Path.GetFileName(Path.GetDirectoryName(path));
        if (branch is null)
        {
            return null;
        }

        var problem = branch.SystemIdentifier.Length is 0 or > 20 || !branch.SystemIdentifier.All(char.IsAsciiDigit) ? "systemIdentifier"
            : branch.Name != directory ? "timeline"
            : branch.SegmentSize < 1 << 20 || branch.SegmentSize > 1 << 30 || (branch.SegmentSize & (branch.SegmentSize - 1)) != 0
                ? "segmentSize"
            : null;
        return problem is null ? branch
            : throw new IntegrityException($"{path} is not obeyed: its {problem} does not fit the branch directory {directory} or " +
                $"PostgreSQL. Nothing was done; inspect it.");
    }
}

/// <summary>One segment file of the archive.</summary>
public sealed record WalFile(WalFileName Name, string Path, long Size, DateTimeOffset Modified);
