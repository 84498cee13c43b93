using System.Globalization;
using System.Text.Json;
using Summit.Dr.Archive.Manifests;
using Summit.Dr.Archive.Trust;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;
using Summit.Dr.Model;

namespace Summit.Dr.Archive.Catalog;

/// <summary>Finds backups: a directory the user names, or `latest`.</summary>
public sealed class BackupCatalog
{
    public const string Latest = "latest";
    private readonly WorkingDirectory _workingDirectory;
    private readonly BackupTrust _trust;

    public BackupCatalog(BackupRoot root, WorkingDirectory workingDirectory, BackupTrust trust)
    {
        _trust = trust;
        _workingDirectory = workingDirectory;
        Root = root;
    }

    /// <summary>The run's backup root.</summary>
    public BackupRoot Root { get; }

    /// <summary>
    /// `latest` is the newest complete regular backup (never a safety backup, never unfinished work); a
    /// path is taken as given, and a bare name is also looked up in the backup root. A name that matches
    /// nothing is a usage error (exit 2) that lists the newest backups.
    /// </summary>
    public string Resolve(string backup) => ResolveNoting(backup).Directory;

    /// <summary>
    /// As <see cref="Resolve"/>, with what the choice passed over: `latest` names the newer backups it did not take
    /// because this host does not accept them (signature, encryption), so it never rolls back without a word.
    /// </summary>
    public (string Directory, IReadOnlyList<string> Warnings) ResolveNoting(string backup)
    {
        if (string.Equals(backup, Latest, StringComparison.OrdinalIgnoreCase))
        {
            var (latest, passed) = FindLatest();
            IReadOnlyList<string> warnings = passed.Count == 0 || latest is null ? [] :
                [$"latest is {Path.GetFileName(latest)}: it passes over the newer {string.Join(", ", passed)}, which this host does not " +
                    $"accept (`summit-dr check` says why)"];
            return (latest ?? throw new IntegrityException(_trust.Checks || _trust.RequiresEncryption
                ? $"There is no backup in {Root} that this host accepts to take as `latest` (Signing:TrustedKeyFiles, " +
                    $"Encryption:Required): `summit-dr list` shows what is there. Name a backup, with --allow-unsigned if you know where " +
                        $"it comes from."
                : $"There is no complete backup in {Root} to take as `latest`. Run `summit-dr backup` first, or name a backup " +
                    $"directory."), warnings);
        }

        var direct = _workingDirectory.Resolve(backup);
        var inRoot = Root.Of(backup);
        var found = Directory.Exists(direct) ? direct : Directory.Exists(inRoot) ? inRoot : throw new UsageException(NoSuchBackup(backup));
        return Path.GetFullPath(found).TrimEnd('/') != Path.GetFullPath(Root.Of(BackupLayout.WalDirectory))
            ? (found, [])
            : throw new UsageException($"{found} is the WAL archive, not a backup: restore to a point in time with `summit-dr restore " +
                $"--to TIME`.");
    }

    /// <summary>A name that matches no directory is a usage error: it says which backups there are.</summary>
    private string NoSuchBackup(string backup)
    {
        var newest = List().Where(e => e.State is not BackupState.Incomplete).Take(5).Select(e => e.Name).ToList();
        return newest.Count == 0
            ? $"There is no backup '{backup}', and {Root} holds no backups yet. Make one with `summit-dr backup`."
            : $"There is no backup '{backup}'. The newest in {Root}: {string.Join(", ", newest)} (`summit-dr list` shows them all; " +
                $"`latest` names the newest).";
    }

    /// <summary>Every directory of the backup root, newest first, with what a cheap look tells about it.</summary>
    public IReadOnlyList<BackupEntry> List() => List(Root.Path);

    /// <summary>Every directory of <paramref name="root"/> (another backup root, such as `--output`), newest first.</summary>
    public static IReadOnlyList<BackupEntry> List(string root)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }

        return Directory.GetDirectories(root)
            .Where(d => !Path.GetFileName(d).StartsWith('.')
                || Path.GetFileName(d).StartsWith(BackupLayout.IncompletePrefix, StringComparison.Ordinal))
            .Where(d => Path.GetFileName(d) != BackupLayout.WalDirectory)
            .Select(Describe)
            .OrderByDescending(e => e.Time ?? DateTimeOffset.MinValue)
            .ThenByDescending(e => e.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Each store's artifact size in the newest complete backup under <paramref name="root"/> that holds it:
    /// where the next dump of that store can be expected to end, for progress.
    /// </summary>
    public static IReadOnlyDictionary<BackupComponent, long> LatestArtifactSizes(string root)
    {
        var sizes = new Dictionary<BackupComponent, long>();
        foreach (var entry in List(root).Where(e => e.State == BackupState.Complete))
        {
            foreach (var (component, bytes) in entry.ArtifactBytes)
            {
                sizes.TryAdd(component, bytes);
            }
        }

        return sizes;
    }

    /// <summary>
    /// Complete backups a restore would accept (signature, encryption), newest first, each with the manifest the
    /// verdict was given on: parsed from the very bytes whose signature was checked, read once.
    /// </summary>
    public IReadOnlyList<(BackupEntry Entry, BackupManifest Manifest)> Accepted() =>
        List().Where(e => e.State is BackupState.Complete or BackupState.Safety)
            .Select(e => (Entry: e, Judged: Judge(e)))
            .Where(e => e.Judged is { Accepted: true, Manifest: not null })
            .Select(e => (e.Entry, e.Judged.Manifest!))
            .ToList();

    /// <summary>
    /// The newest backup a restore would accept: never one its signature or encryption would get refused. The newer
    /// ones it passed over for that are named, so `latest` never rolls back without a word.
    /// </summary>
    public (string? Directory, IReadOnlyList<string> PassedOver) FindLatest()
    {
        var passed = new List<string>();
        foreach (var entry in List().Where(e => e.State is BackupState.Complete or BackupState.Legacy or BackupState.Corrupt))
        {
            if (Judge(entry).Accepted)
            {
                return (entry.Directory, passed);
            }

            passed.Add(entry.Name);
        }

        return (null, passed);
    }

    /// <summary>Whether a restore would accept the backup, and the manifest that was judged (null: none, or it could not be
    /// read).</summary>
    private (bool Accepted, BackupManifest? Manifest) Judge(BackupEntry entry)
    {
        try
        {
            var bytes = entry.State == BackupState.Legacy ? null : ManifestFiles.ReadBytes(entry.Directory);
            var manifest = bytes is null ? null : ManifestFiles.Parse(bytes, entry.Name);
            return (!_trust.Checks && !_trust.RequiresEncryption || _trust.Judge(entry.Directory, manifest, bytes).Accepted, manifest);
        }
        catch (Exception ex) when (ex is IOException or JsonException or SummitDrException or UnauthorizedAccessException)
        {
            // A corrupt backup stays `latest` so that the restore says what is wrong with it; a signature check needs a manifest.
            return (!_trust.Checks, null);
        }
    }

    /// <summary>One backup directory as `list` describes it: its state, its stores and their sizes.</summary>
    public static BackupEntry Entry(string directory) => Describe(directory);

    private static BackupEntry Describe(string directory) => Read(directory) with { ArtifactBytes = Sizes(directory) };

    private static Dictionary<BackupComponent, long> Sizes(string directory) =>
        Enum.GetValues<BackupComponent>()
            .Select(c => (Component: c, File: new FileInfo(Path.Combine(directory, BackupLayout.FileOf(c)))))
            .Where(c => c.File.Exists)
            .ToDictionary(c => c.Component, c => c.File.Length);

    private static BackupEntry Read(string directory)
    {
        var name = Path.GetFileName(directory);
        var bytes = Directory.EnumerateFiles(directory).Sum(f => new FileInfo(f).Length);
        var present = Enum.GetValues<BackupComponent>()
            .Where(c => File.Exists(Path.Combine(directory, BackupLayout.FileOf(c))))
            .ToList();
        var nameTime = TimeFromName(name);
        if (name.StartsWith(BackupLayout.IncompletePrefix, StringComparison.Ordinal))
        {
            return new BackupEntry(name, directory, nameTime, bytes, present, BackupState.Incomplete, "unfinished: its run did not " +
                "complete");
        }

        var manifestPath = Path.Combine(directory, BackupManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            return present.Count == 0
                ? new BackupEntry(name, directory, nameTime, bytes, present, BackupState.Incomplete, "no manifest and no artifacts")
                : new BackupEntry(name, directory, nameTime, bytes, present, BackupState.Legacy, null);
        }

        BackupManifest manifest;
        try
        {
            manifest = ManifestFiles.Read(directory);
        }
        catch (JsonException ex)
        {
            return new BackupEntry(name, directory, nameTime, bytes, present, BackupState.Corrupt, $"manifest.json does not parse: " +
                $"{ex.Message}");
        }
        catch (SummitDrException ex)
        {
            return new BackupEntry(name, directory, nameTime, bytes, present, BackupState.Corrupt, ex.Message);
        }

        return Judge(
            name, directory, bytes, present, manifest, file =>
                File.Exists(Path.Combine(directory, file)) ? new FileInfo(Path.Combine(directory, file)).Length : null);
    }

    /// <summary>
    /// A backup whose manifest parses, wherever it is (a directory, a bucket): complete (or safety) when every
    /// artifact the manifest names is there with its recorded size, else corrupt, saying which.
    /// </summary>
    public static BackupEntry Judge(
        string name, string location, long bytes, IReadOnlyList<BackupComponent> present, BackupManifest manifest,
        Func<string, long?> sizeOf)
    {
        var problem = manifest.Artifacts
            .Select(a => sizeOf(a.File) is not { } size ? $"{a.File} is missing"
                : size != a.Size ? $"{a.File} is {size} bytes, the manifest records {a.Size}"
                : null)
            .FirstOrDefault(p => p is not null);
        var state = problem is not null ? BackupState.Corrupt : manifest.Kind == BackupKind.Safety ? BackupState.Safety
            : BackupState.Complete;
        return new BackupEntry(name, location, manifest.CreatedAt, bytes, present, state, problem)
        {
            ArtifactBytes = Enum.GetValues<BackupComponent>().Where(c => manifest.Of(c).Artifact is not null).ToDictionary(
                c => c, c => manifest.Of(c).Artifact!.Size),
        };
    }

    /// <summary>The runbook's names are local times: YYYYMMDD_HHMMSS, possibly with a suffix.</summary>
    public static DateTimeOffset? TimeFromName(string name)
    {
        var stem = name.StartsWith(BackupLayout.IncompletePrefix, StringComparison.Ordinal) ? name[BackupLayout.IncompletePrefix.Length..]
            : name;
        return stem.Length >= 15
            && DateTime.TryParseExact(
                stem[..15], "yyyyMMdd_HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var local)
            ? new DateTimeOffset(local)
            : null;
    }
}
