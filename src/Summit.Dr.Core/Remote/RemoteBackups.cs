using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Summit.Dr.Backup;
using Summit.Dr.Catalog;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;
using Summit.Dr.Locking;
using Summit.Dr.Manifest;
using Summit.Dr.Progress;
using Summit.Dr.Prune;
using Summit.Dr.Restore;

namespace Summit.Dr.Remote;

/// <summary>
/// Off-site copies of complete backups. A push uploads every file of a verified local backup under
/// PREFIX/NAME/, reads each object back and compares its SHA-256 with the manifest's, and writes the
/// manifest last: off-site, a backup without its manifest is incomplete and is never pulled, restored or
/// counted. A pull downloads into `.incomplete-NAME`, checks every object on the way, and renames the
/// directory only when all match. Every transfer is retried with backoff; a push that still fails removes
/// what it uploaded where it can, and never touches the local backup.
/// </summary>
public sealed class RemoteBackups
{
    private readonly RemoteOptions _options;
    private readonly BackupCatalog _catalog;
    private readonly OperationLock _lock;
    private readonly IProgressReporter _progress;
    private readonly TimeProvider _time;
    private readonly ILogger<RemoteBackups> _logger;
    private readonly Lazy<IRemoteStore> _store;

    public RemoteBackups(IOptions<SummitDrOptions> options, BackupCatalog catalog, OperationLock operationLock, IProgressReporter progress, TimeProvider time, ILogger<RemoteBackups> logger, Func<RemoteOptions, IRemoteStore>? storeFactory = null)
    {
        _options = options.Value.Remote;
        _catalog = catalog;
        _lock = operationLock;
        _progress = progress;
        _time = time;
        _logger = logger;
        _store = new(() => (storeFactory ?? Create)(_options));
    }

    /// <summary>Off-site copies are configured (Remote:Kind is set).</summary>
    public bool Configured => _options.Kind is { Length: > 0 };

    /// <summary>Where the backups go off-site, for messages (creates the store's client).</summary>
    public string Location => Store.Location;

    private IRemoteStore Store => Configured
        ? _store.Value
        : throw new UsageException("Off-site copies are not configured: set Remote:Kind to s3 or azure-blob, and its bucket or container (README, \"Off-site copies\").");

    /// <summary>Pushes a local backup (a name, a directory or `latest`); returns its off-site location.</summary>
    public async Task<PushResult> PushAsync(string backup, CancellationToken cancellationToken)
    {
        var store = Store;
        using var held = _lock.Acquire(_catalog.Root, "push");
        var directory = _catalog.Resolve(backup);
        var name = Path.GetFileName(directory.TrimEnd('/'));
        var manifest = await LocalManifestAsync(directory, name, cancellationToken);
        var location = store.Location + name;

        // A damaged local backup is not sent anywhere: every artifact must match its manifest first.
        var files = new List<(string File, long Size, string Sha256)>();
        var opened = new OpenedBackup(directory, manifest, manifest.Captured, []);
        foreach (var component in manifest.Captured)
        {
            var artifact = BackupVerifier.RequirePresent(opened, component)!;
            using var step = _progress.Start($"check {artifact.File}", expectedBytes: artifact.Size);
            await using var file = ArtifactFiles.OpenHashing(Path.Combine(directory, artifact.File));
            BackupVerifier.RequireChecksum(artifact, await file.FinishAsync(cancellationToken));
            step.Complete(artifact.Size, "SHA-256 matches");
            files.Add((artifact.File, artifact.Size, artifact.Sha256));
        }

        if (File.Exists(Path.Combine(directory, BackupLayout.LogFile)))
        {
            files.Add((BackupLayout.LogFile, new FileInfo(Path.Combine(directory, BackupLayout.LogFile)).Length, await Sha256Async(Path.Combine(directory, BackupLayout.LogFile), cancellationToken)));
        }

        var manifestPath = Path.Combine(directory, BackupManifest.FileName);
        var manifestSha = await Sha256Async(manifestPath, cancellationToken);
        var existing = await RetryAsync("list " + name, () => store.ListAsync(name + "/", cancellationToken), cancellationToken);
        if (existing.Any(o => o.Key == RemotePaths.Key(name, BackupManifest.FileName)))
        {
            var (remoteSha, _) = await ReadBackAsync(store, RemotePaths.Key(name, BackupManifest.FileName), cancellationToken);
            if (remoteSha == manifestSha)
            {
                _logger.LogInformation("{Name} is already complete at {Location}; nothing to push", name, location);
                return new PushResult(name, location, 0, AlreadyThere: true);
            }

            throw new PreconditionException($"{location} already holds a different backup named {name}. Remove it there, or push another backup.");
        }

        foreach (var leftover in existing)
        {
            // A push that did not finish: its objects are replaced.
            await RetryAsync("delete " + leftover.Key, () => store.DeleteAsync(leftover.Key, cancellationToken), cancellationToken);
        }

        var pushed = new List<string>();
        try
        {
            foreach (var (file, size, sha256) in files.Append((BackupManifest.FileName, new FileInfo(manifestPath).Length, manifestSha)))
            {
                var key = RemotePaths.Key(name, file);
                using var step = _progress.Start($"push {file}", expectedBytes: size);
                pushed.Add(key);
                await RetryAsync("upload " + key, () => store.UploadAsync(key, Path.Combine(directory, file), cancellationToken), cancellationToken);
                var (readSha, readSize) = await ReadBackAsync(store, key, cancellationToken);
                if (readSha != sha256 || readSize != size)
                {
                    throw new OperationFailedException($"{file} reads back from {location} as {readSize} bytes with SHA-256 {readSha}, but {size} bytes with SHA-256 {sha256} were pushed: the store changed it.");
                }

                step.Complete(size, "read back, SHA-256 matches");
            }
        }
        catch (Exception ex)
        {
            await RemoveQuietlyAsync(store, pushed);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            throw new OperationFailedException($"Push of {name} to {location} failed: {ex.Message.TrimEnd('.')}. No complete copy was left off-site (its manifest is written last), and the local backup is untouched. Push it again.", ex);
        }

        return new PushResult(name, location, files.Sum(f => f.Size) + new FileInfo(manifestPath).Length, AlreadyThere: false);
    }

    /// <summary>
    /// Pulls an off-site backup (a name or `latest`) into the backup root, verified; returns its directory.
    /// A local backup of that name with the same manifest is taken as it is.
    /// </summary>
    public async Task<string> PullAsync(string backup, CancellationToken cancellationToken)
    {
        var store = Store;
        var entries = await ListAsync(cancellationToken);
        var entry = string.Equals(backup, BackupCatalog.Latest, StringComparison.OrdinalIgnoreCase)
            ? entries.FirstOrDefault(e => e.State == BackupState.Complete)
                ?? throw new IntegrityException($"There is no complete backup at {store.Location} to take as `latest`. Push one with `summit-dr push latest`.")
            : entries.FirstOrDefault(e => e.Name == backup)
                ?? throw new UsageException(NoSuchRemote(backup, entries, store));
        if (entry.State == BackupState.Incomplete)
        {
            throw new IntegrityException($"{entry.Name} is not complete at {store.Location}: it has no manifest.json (a push did not finish). Push it again from a host that has it.");
        }

        using var held = _lock.Acquire(_catalog.Root, "pull");
        var final = Path.Combine(_catalog.Root, entry.Name);
        var manifestKey = RemotePaths.Key(entry.Name, BackupManifest.FileName);
        var work = Path.Combine(_catalog.Root, BackupLayout.IncompletePrefix + entry.Name);
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        Directory.CreateDirectory(work);
        try
        {
            var manifestPath = Path.Combine(work, BackupManifest.FileName + ".pulling");
            await RetryAsync("download " + manifestKey, () => DownloadToAsync(store, manifestKey, manifestPath, cancellationToken), cancellationToken);
            var manifest = ParseManifest(manifestPath, entry.Name, store);
            if (Directory.Exists(final))
            {
                var local = await Sha256Async(Path.Combine(final, BackupManifest.FileName), cancellationToken, missingIsEmpty: true);
                if (local == await Sha256Async(manifestPath, cancellationToken))
                {
                    _logger.LogInformation("{Name} is already in {Root}; nothing to pull", entry.Name, _catalog.Root);
                    Directory.Delete(work, recursive: true);
                    return final;
                }

                throw new PreconditionException($"{final} already exists and is not the backup {entry.Name} at {store.Location}. Move it away, or restore it as it is.");
            }

            var needed = manifest.Artifacts.Sum(a => a.Size);
            var (free, at) = FreeSpace.Of(_catalog.Root);
            if (free < needed)
            {
                throw new PreconditionException($"Not enough free disk to pull {entry.Name}: {LoggingProgressReporter.FormatBytes(free)} free at {at}, and it needs {LoggingProgressReporter.FormatBytes(needed)}. Free space there, or set Backup:Root elsewhere.");
            }

            foreach (var artifact in manifest.Artifacts)
            {
                var key = RemotePaths.Key(entry.Name, artifact.File);
                var path = Path.Combine(work, artifact.File);
                using var step = _progress.Start($"pull {artifact.File}", () => File.Exists(path) ? new FileInfo(path).Length : 0, artifact.Size);
                try
                {
                    await RetryAsync("download " + key, () => DownloadToAsync(store, key, path, cancellationToken), cancellationToken);
                }
                catch (IntegrityException ex)
                {
                    throw new IntegrityException($"{ex.Message} Nothing was kept; pull another backup.", ex);
                }

                await using (var file = ArtifactFiles.OpenHashing(path))
                {
                    var sha256 = await file.FinishAsync(cancellationToken);
                    if (file.BytesRead != artifact.Size || !string.Equals(sha256, artifact.Sha256, StringComparison.OrdinalIgnoreCase))
                    {
                        throw new IntegrityException($"{artifact.File} of {entry.Name} at {store.Location} is {file.BytesRead} bytes with SHA-256 {sha256}, but its manifest records {artifact.Size} bytes with {artifact.Sha256}: the copy off-site is damaged. Nothing was kept; pull another backup.");
                    }
                }

                step.Complete(artifact.Size, "SHA-256 matches");
            }

            var logKey = RemotePaths.Key(entry.Name, BackupLayout.LogFile);
            if ((await RetryAsync("list " + entry.Name, () => store.ListAsync(entry.Name + "/", cancellationToken), cancellationToken)).Any(o => o.Key == logKey))
            {
                await RetryAsync("download " + logKey, () => DownloadToAsync(store, logKey, Path.Combine(work, BackupLayout.LogFile), cancellationToken), cancellationToken);
            }

            File.Move(manifestPath, Path.Combine(work, BackupManifest.FileName));
            Directory.Move(work, final);
            _logger.LogInformation("Pulled {Name} from {Location} into {Directory}; every artifact matches its manifest", entry.Name, store.Location, final);
            return final;
        }
        catch
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }

            throw;
        }
    }

    /// <summary>
    /// The backups off-site, newest first: complete (the manifest is there and every artifact it names has its
    /// size), corrupt (one is missing or has another size), or incomplete (no manifest: a push did not finish).
    /// </summary>
    public async Task<IReadOnlyList<BackupEntry>> ListAsync(CancellationToken cancellationToken)
    {
        var store = Store;
        var objects = await RetryAsync("list", () => store.ListAsync(string.Empty, cancellationToken), cancellationToken);
        var entries = new List<BackupEntry>();
        foreach (var group in objects.GroupBy(o => RemotePaths.NameOf(o.Key)).Where(g => g.Key is not null))
        {
            var name = group.Key!;
            var sizes = group.ToDictionary(o => o.Key[(name.Length + 1)..], o => o.Size, StringComparer.Ordinal);
            var present = Enum.GetValues<BackupComponent>().Where(c => sizes.ContainsKey(BackupLayout.FileOf(c))).ToList();
            var bytes = sizes.Values.Sum();
            if (!sizes.ContainsKey(BackupManifest.FileName))
            {
                entries.Add(new BackupEntry(name, store.Location + name, BackupCatalog.TimeFromName(name), bytes, present, BackupState.Incomplete, "no manifest.json: a push did not finish"));
                continue;
            }

            BackupManifest manifest;
            try
            {
                using var buffer = new MemoryStream();
                await RetryAsync("download " + name, () => store.DownloadAsync(RemotePaths.Key(name, BackupManifest.FileName), Reset(buffer), cancellationToken), cancellationToken);
                manifest = JsonSerializer.Deserialize<BackupManifest>(buffer.ToArray(), JsonDefaults.Options) ?? throw new JsonException("empty manifest");
            }
            catch (JsonException ex)
            {
                entries.Add(new BackupEntry(name, store.Location + name, BackupCatalog.TimeFromName(name), bytes, present, BackupState.Corrupt, $"manifest.json does not parse: {ex.Message}"));
                continue;
            }

            entries.Add(BackupCatalog.Judge(name, store.Location + name, bytes, present, manifest, file => sizes.TryGetValue(file, out var size) ? size : null));
        }

        return entries.OrderByDescending(e => e.Time ?? DateTimeOffset.MinValue).ThenByDescending(e => e.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The local policy and safety gates, applied off-site: a removed backup loses its manifest first, so it is never half there and complete-looking.</summary>
    public async Task<PruneResult> PruneAsync(PrunePolicy policy, bool dryRun, bool force, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        if (!policy.HasRule)
        {
            throw new UsageException("prune needs a policy: at least one of --keep-last, --keep-daily, --keep-weekly, --keep-monthly.");
        }

        var store = Store;
        using var held = _lock.Acquire(_catalog.Root, "prune");
        var entries = await ListAsync(cancellationToken);
        if (!force)
        {
            PruneOperation.Refuse(entries);
        }

        var decisions = PrunePlanner.Plan(entries, policy, zone);
        if (!dryRun)
        {
            foreach (var decision in decisions.Where(d => !d.Keep))
            {
                _logger.LogInformation("Removing {Name} from {Location}: {Reason}", decision.Entry.Name, store.Location, decision.Reasons[0]);
                var keys = (await RetryAsync("list " + decision.Entry.Name, () => store.ListAsync(decision.Entry.Name + "/", cancellationToken), cancellationToken))
                    .Select(o => o.Key)
                    .OrderBy(k => k.EndsWith("/" + BackupManifest.FileName, StringComparison.Ordinal) ? 0 : 1);
                foreach (var key in keys)
                {
                    await RetryAsync("delete " + key, () => store.DeleteAsync(key, cancellationToken), cancellationToken);
                }
            }
        }

        return new PruneResult(dryRun, decisions);
    }

    private static IRemoteStore Create(RemoteOptions options) => options.Kind?.Trim().ToLowerInvariant() switch
    {
        RemoteOptions.S3 => new S3RemoteStore(options),
        RemoteOptions.AzureBlob => new AzureBlobRemoteStore(options),
        var kind => throw new UsageException($"Remote:Kind is '{kind}': it must be s3 or azure-blob."),
    };

    private static async Task<BackupManifest> LocalManifestAsync(string directory, string name, CancellationToken cancellationToken)
    {
        if (name.StartsWith(BackupLayout.IncompletePrefix, StringComparison.Ordinal))
        {
            throw new IntegrityException($"{name} is an unfinished backup; only complete backups are pushed.");
        }

        if (!File.Exists(Path.Combine(directory, BackupManifest.FileName)))
        {
            throw new IntegrityException($"{name} has no manifest.json (made by the runbook's scripts?): without checksums it cannot be proved off-site. Push a backup made by summit-dr.");
        }

        try
        {
            return await BackupManifest.ReadAsync(directory, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new IntegrityException($"manifest.json in {name} does not parse: {ex.Message}", ex);
        }
    }

    private static BackupManifest ParseManifest(string path, string name, IRemoteStore store)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<BackupManifest>(File.ReadAllText(path), JsonDefaults.Options) ?? throw new JsonException("empty manifest");
            return manifest.FormatVersion > BackupManifest.CurrentFormatVersion
                ? throw new IntegrityException($"manifest.json of {name} at {store.Location} has format version {manifest.FormatVersion}, newer than this summit-dr reads. Upgrade summit-dr.")
                : manifest;
        }
        catch (JsonException ex)
        {
            throw new IntegrityException($"manifest.json of {name} at {store.Location} does not parse: {ex.Message}. Nothing was kept.", ex);
        }
    }

    private static string NoSuchRemote(string backup, IReadOnlyList<BackupEntry> entries, IRemoteStore store)
    {
        var newest = entries.Where(e => e.State != BackupState.Incomplete).Take(5).Select(e => e.Name).ToList();
        return newest.Count == 0
            ? $"There is no backup '{backup}' at {store.Location}, which holds no complete backups. Push one with `summit-dr push latest`."
            : $"There is no backup '{backup}' at {store.Location}. The newest there: {string.Join(", ", newest)} (`summit-dr list --remote` shows them all).";
    }

    /// <summary>Reads an object back whole, as a pull would: its SHA-256 and size.</summary>
    private async Task<(string Sha256, long Size)> ReadBackAsync(IRemoteStore store, string key, CancellationToken cancellationToken) =>
        await RetryAsync("read back " + key, async () =>
        {
            using var sha = SHA256.Create();
            var counter = new ByteCounter();
            await using (var hashing = new CryptoStream(Stream.Null, sha, CryptoStreamMode.Write))
            {
                await store.DownloadAsync(key, new CountingWriteStream(hashing, counter), cancellationToken);
                await hashing.FlushFinalBlockAsync(cancellationToken);
            }

            return (Convert.ToHexStringLower(sha.Hash!), counter.Value);
        }, cancellationToken);

    private static async Task DownloadToAsync(IRemoteStore store, string key, string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await store.DownloadAsync(key, file, cancellationToken);
        await file.FlushAsync(cancellationToken);
        file.Flush(flushToDisk: true);
    }

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken, bool missingIsEmpty = false)
    {
        if (missingIsEmpty && !File.Exists(path))
        {
            return string.Empty;
        }

        await using var file = ArtifactFiles.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }

    private static MemoryStream Reset(MemoryStream buffer)
    {
        buffer.SetLength(0);
        return buffer;
    }

    /// <summary>One transfer, retried on a transient failure after 1, 2, 4, ... times Remote:RetryDelaySeconds.</summary>
    private async Task<T> RetryAsync<T>(string what, Func<Task<T>> attempt, CancellationToken cancellationToken)
    {
        var store = _store.Value;
        for (var tries = 0; ; tries++)
        {
            try
            {
                return await attempt();
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && store.IsTransient(ex) && tries < _options.Retries)
            {
                var delay = TimeSpan.FromSeconds(_options.RetryDelaySeconds * Math.Pow(2, tries));
                _logger.LogWarning("{What} failed ({Error}); retrying in {Delay:0.#} s ({Try} of {Retries})", what, ex.Message, delay.TotalSeconds, tries + 1, _options.Retries);
                await Task.Delay(delay, _time, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not SummitDrException and not OperationCanceledException)
            {
                var attempts = store.IsTransient(ex) ? $" after {tries + 1} attempts" : string.Empty;
                var advice = store.CredentialsAdvice(ex) is { } check ? $"; {check}" : string.Empty;
                throw new OperationFailedException($"{what} at {store.Location} failed{attempts}: {ex.Message.TrimEnd('.')}{advice}.", ex);
            }
        }
    }

    private async Task RetryAsync(string what, Func<Task> attempt, CancellationToken cancellationToken) =>
        await RetryAsync(what, async () =>
        {
            await attempt();
            return true;
        }, cancellationToken);

    private async Task RemoveQuietlyAsync(IRemoteStore store, IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            try
            {
                await store.DeleteAsync(key, CancellationToken.None);
            }
            catch (Exception ex)
            {
                _logger.LogWarning("Could not remove {Key} from {Location} after the failed push ({Error}); without its manifest it is not a complete backup", key, store.Location, ex.Message);
            }
        }
    }
}

/// <param name="Bytes">Bytes uploaded (0 when the backup was already there).</param>
public sealed record PushResult(string Name, string Location, long Bytes, bool AlreadyThere);
