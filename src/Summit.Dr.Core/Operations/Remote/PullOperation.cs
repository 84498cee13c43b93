using System.Text.Json;
using Microsoft.Extensions.Logging;
using Summit.Dr.Archive.Catalog;
using Summit.Dr.Archive.Manifests;
using Summit.Dr.Archive.Remote;
using Summit.Dr.Archive.Trust;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Engine.Locking;
using Summit.Dr.Model;
using Summit.Dr.Progress;
using Summit.Dr.Steps;

namespace Summit.Dr.Operations.Remote;

/// <summary>
/// `pull`: an off-site backup downloaded into `.incomplete-NAME` in the backup root, every object checked on
/// the way, and the directory renamed only when all match. A local backup of that name with the same manifest
/// is taken as it is.
/// </summary>
public sealed class PullOperation(
    RemoteStores stores, RemoteCatalog remote, BackupCatalog catalog, OperationLock operationLock, BackupTrust trust, StepRunner steps,
    ILogger<PullOperation> logger)
{
    /// <summary>Pulls an off-site backup (a name or `latest`) into the backup root, verified; returns its directory.</summary>
    public async Task<PullResult> PullAsync(string backup, CancellationToken cancellationToken)
    {
        var store = stores.Store;
        steps.Begin(dryRun: false);
        var entries = await remote.ListAsync(cancellationToken);
        var entry = string.Equals(backup, BackupCatalog.Latest, StringComparison.OrdinalIgnoreCase)
            ? await LatestAsync(entries, cancellationToken)
                ?? throw new IntegrityException($"There is no complete backup at {store.Location} to take as " +
                    $"`latest`{(trust.Checks ? " that a trusted key signed" : string.Empty)}. Push one with `summit-dr push latest`.")
            : entries.FirstOrDefault(e => e.Name == backup)
                ?? throw new UsageException(NoSuchRemote(backup, entries, store.Location));
        if (!ArtifactNames.IsSafeBackupName(entry.Name))
        {
            throw new IntegrityException($"The backup '{entry.Name}' at {store.Location} has a name no backup can have (a path, `..` or " +
                $"a hidden name): nothing was pulled.");
        }

        if (entry.State == BackupState.Incomplete)
        {
            throw new IntegrityException($"{entry.Name} is not complete at {store.Location}: it has no manifest.json (a push did not " +
                $"finish). Push it again from a host that has it.");
        }

        using var held = operationLock.Acquire(catalog.Root, "pull");
        var final = catalog.Root.Of(entry.Name);
        var work = catalog.Root.Of(BackupLayout.IncompletePrefix + entry.Name);
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        PrivateFiles.CreateDirectory(work);
        try
        {
            var manifestPath = Path.Combine(work, BackupManifest.FileName + ".pulling");
            var manifestBytes = await remote.DownloadManifestAsync(entry.Name, cancellationToken);
            var manifest = ParseManifest(manifestBytes, entry.Name, store.Location);
            // Who made it is settled before a single artifact is downloaded.
            var signature = await remote.DownloadSignatureAsync(entry.Name, cancellationToken);
            var verdict = trust.Require(trust.Judge(manifest, manifestBytes, signature), $"{entry.Name} at {store.Location}");
            await WriteAsync(manifestPath, manifestBytes, cancellationToken);
            if (signature is not null)
            {
                await WriteAsync(Path.Combine(work, BackupManifest.SignatureFileName), signature, cancellationToken);
            }
            if (Directory.Exists(final))
            {
                var local = Path.Combine(final, BackupManifest.FileName);
                if (File.Exists(local)
                    && await ArtifactFiles.Sha256Async(local, cancellationToken) == await ArtifactFiles.Sha256Async(
                        manifestPath, cancellationToken))
                {
                    logger.LogInformation("{Name} is already in {Root}; nothing to pull", entry.Name, catalog.Root);
                    Directory.Delete(work, recursive: true);
                    return new PullResult(final, verdict);
                }

                throw new PreconditionException($"{final} already exists and is not the backup {entry.Name} at {store.Location}. Move it " +
                    $"away, or restore it as it is.");
            }

            var needed = manifest.Artifacts.Sum(a => a.Size);
            var (free, at) = FreeSpace.Of(catalog.Root.Path);
            if (free < needed)
            {
                throw new PreconditionException($"Not enough free disk to pull {entry.Name}: {LoggingProgressReporter.FormatBytes(free)} " +
                    $"free at {at}, and it needs {LoggingProgressReporter.FormatBytes(needed)}. Free space there, or set Backup:Root " +
                        $"elsewhere.");
            }

            foreach (var artifact in manifest.Artifacts)
            {
                await PullArtifactAsync(entry.Name, artifact, work, store.Location, cancellationToken);
            }

            var logKey = RemotePaths.Key(entry.Name, BackupLayout.LogFile);
            if ((await stores.RunAsync(
                "list " + entry.Name, (s, token) => s.ListAsync(entry.Name + "/", token), cancellationToken)).FirstOrDefault(
                    o => o.Key == logKey) is { } log)
            {
                await DownloadAsync(logKey, Path.Combine(work, BackupLayout.LogFile), Math.Min(log.Size, MaxLogBytes), cancellationToken);
            }

            File.Move(manifestPath, Path.Combine(work, BackupManifest.FileName));
            Directory.Move(work, final);
            logger.LogInformation("Pulled {Name} from {Location} into {Directory}; every artifact matches its " +
                "manifest", entry.Name, store.Location, final);
            return new PullResult(final, verdict);
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

    private Task PullArtifactAsync(string name, ArtifactRecord artifact, string work, string location, CancellationToken cancellationToken)
    {
        var path = Path.Combine(work, artifact.File);
        return steps.InProcessAsync($"pull {artifact.File}", async (step, token) =>
        {
            step.Track(() => File.Exists(path) ? new FileInfo(path).Length : 0);
            try
            {
                await DownloadAsync(RemotePaths.Key(name, artifact.File), path, artifact.Size, token);
            }
            catch (IntegrityException ex)
            {
                throw new IntegrityException($"{ex.Message} Nothing was kept; pull another backup.", ex);
            }

            await using var file = ArtifactFiles.OpenHashing(path);
            var sha256 = await file.FinishAsync(token);
            if (file.BytesRead != artifact.Size || !string.Equals(sha256, artifact.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new IntegrityException($"{artifact.File} of {name} at {location} is {file.BytesRead} bytes with SHA-256 {sha256}, " +
                    $"but its manifest records {artifact.Size} bytes with {artifact.Sha256}: the copy off-site is damaged. Nothing was " +
                        $"kept; pull another backup.");
            }

            step.Report(artifact.Size, "SHA-256 matches");
        }, new StepOptions { TracksBytes = true, ExpectedBytes = artifact.Size }, cancellationToken);
    }

    /// <summary>The newest complete backup off-site that would be accepted here (signed by a trusted key, encrypted when that is
    /// required).</summary>
    private async Task<BackupEntry?> LatestAsync(IReadOnlyList<BackupEntry> entries, CancellationToken cancellationToken)
    {
        foreach (var entry in entries.Where(e => e.State == BackupState.Complete))
        {
            if (!trust.Checks && !trust.RequiresEncryption)
            {
                return entry;
            }

            var bytes = await remote.DownloadManifestAsync(entry.Name, cancellationToken);
            if (trust.Judge(
                ParseManifest(bytes, entry.Name, stores.Location), bytes,
                await remote.DownloadSignatureAsync(entry.Name, cancellationToken)).Accepted)
            {
                return entry;
            }
        }

        return null;
    }

    private static async Task WriteAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        await using var file = PrivateFiles.Create(path);
        await file.WriteAsync(bytes, cancellationToken);
        file.Flush(flushToDisk: true);
    }

    /// <summary>The log is kept with a backup for reading; one larger than this is not what a run writes.</summary>
    private const long MaxLogBytes = 64 << 20;

    /// <summary>Downloads into <paramref name="path"/> (a fixed name in the work directory), stopping at <paramref name="size"/>
    /// bytes.</summary>
    private Task DownloadAsync(string key, string path, long size, CancellationToken cancellationToken) =>
        stores.RunAsync("download " + key, async (store, token) =>
        {
            File.Delete(path);
            await using var file = PrivateFiles.Create(path, 1 << 16, useAsync: true);
            await store.DownloadAsync(key, new BoundedWriteStream(file, size, () => $"{key} at {store.Location} is larger than the " +
                $"{size} bytes its manifest records: the download stopped there."), token);
            await file.FlushAsync(token);
            file.Flush(flushToDisk: true);
        }, cancellationToken);

    private static BackupManifest ParseManifest(byte[] json, string name, string location)
    {
        try
        {
            var manifest = ManifestFiles.Parse(json, name);
            return manifest.FormatVersion > BackupManifest.CurrentFormatVersion
                ? throw new IntegrityException($"manifest.json of {name} at {location} has format version {manifest.FormatVersion}, " +
                    $"newer than this summit-dr reads. Upgrade summit-dr.")
                : manifest;
        }
        catch (JsonException ex)
        {
            throw new IntegrityException($"manifest.json of {name} at {location} does not parse: {ex.Message}. Nothing was kept.", ex);
        }
    }

    private static string NoSuchRemote(string backup, IReadOnlyList<BackupEntry> entries, string location)
    {
        var newest = entries.Where(e => e.State != BackupState.Incomplete).Take(5).Select(e => e.Name).ToList();
        return newest.Count == 0
            ? $"There is no backup '{backup}' at {location}, which holds no complete backups. Push one with `summit-dr push latest`."
            : $"There is no backup '{backup}' at {location}. The newest there: {string.Join(", ", newest)} (`summit-dr list --remote` " +
                $"shows them all).";
    }
}
