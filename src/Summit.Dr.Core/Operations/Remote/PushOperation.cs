using System.Text.Json;
using Microsoft.Extensions.Logging;
using Summit.Dr.Archive;
using Summit.Dr.Archive.Catalog;
using Summit.Dr.Archive.Encryption;
using Summit.Dr.Archive.Manifests;
using Summit.Dr.Archive.Remote;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Engine.Locking;
using Summit.Dr.Model;
using Summit.Dr.Steps;

namespace Summit.Dr.Operations.Remote;

/// <summary>
/// `push`: every file of a verified local backup goes up under PREFIX/NAME/, each object is read back and its
/// SHA-256 compared with the manifest's, and the manifest goes last: off-site, a backup without its manifest is
/// incomplete and is never pulled, restored or counted. A push that fails removes what it uploaded where it
/// can, and never touches the local backup.
/// </summary>
public sealed class PushOperation(
    RemoteStores stores, BackupCatalog catalog, OperationLock operationLock, ArtifactEncryption encryption, StepRunner steps,
    TimeProvider time, ILogger<PushOperation> logger)
{
    /// <summary>Pushes a local backup (a name, a directory or `latest`); returns its off-site location.</summary>
    public async Task<PushResult> PushAsync(string backup, CancellationToken cancellationToken)
    {
        var store = stores.Store;
        steps.Begin(dryRun: false);
        using var held = operationLock.Acquire(catalog.Root, "push");
        var directory = catalog.Resolve(backup);
        var name = Path.GetFileName(directory.TrimEnd('/'));
        var manifest = await LocalManifestAsync(directory, name, cancellationToken);
        var location = store.Location + name;

        // A damaged local backup is not sent anywhere: every artifact must match its manifest first.
        var files = new List<(string File, long Size, string Sha256)>();
        var opened = new OpenedBackup(directory, manifest, manifest.Captured, []);
        foreach (var artifact in manifest.Captured.Select(c => ArtifactChecks.RequirePresent(opened, c)!).Concat(
            ArtifactChecks.RequireBasePresent(opened)))
        {
            await steps.InProcessAsync($"check {artifact.File}", async (step, token) =>
            {
                await using var file = ArtifactFiles.OpenHashing(Path.Combine(directory, artifact.File));
                step.Track(() => file.BytesRead);
                ArtifactChecks.RequireChecksum(artifact, await file.FinishAsync(token));
                step.Report(artifact.Size, "SHA-256 matches");
            }, new StepOptions { TracksBytes = true, ExpectedBytes = artifact.Size }, cancellationToken);
            files.Add((artifact.File, artifact.Size, artifact.Sha256));
        }

        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        if (await LogToPushAsync(directory, manifest, cancellationToken) is { } log)
        {
            if (log != Path.Combine(directory, BackupLayout.LogFile))
            {
                // An encrypted copy made for the push (and removed after it); the log itself stays as it is.
                sources[BackupLayout.LogFile] = log;
            }

            files.Add((BackupLayout.LogFile, new FileInfo(log).Length, await ArtifactFiles.Sha256Async(log, cancellationToken)));
        }

        if (Path.Combine(directory, BackupManifest.SignatureFileName) is var signature && File.Exists(signature))
        {
            // The signature goes up before the manifest: a complete backup off-site is a signed one.
            files.Add((BackupManifest.SignatureFileName, new FileInfo(signature).Length,
                await ArtifactFiles.Sha256Async(signature, cancellationToken)));
        }

        var manifestPath = Path.Combine(directory, BackupManifest.FileName);
        var manifestSha = await ArtifactFiles.Sha256Async(manifestPath, cancellationToken);
        var existing = await stores.RunAsync("list " + name, (s, token) => s.ListAsync(name + "/", token), cancellationToken);
        if (existing.Any(o => o.Key == RemotePaths.Key(name, BackupManifest.FileName)))
        {
            var (remoteSha, _) = await ReadBackAsync(RemotePaths.Key(name, BackupManifest.FileName), cancellationToken);
            if (remoteSha == manifestSha)
            {
                logger.LogInformation("{Name} is already complete at {Location}; nothing to push", name, location);
                Recorded(directory, location);
                return new PushResult(name, location, 0, AlreadyThere: true);
            }

            throw new PreconditionException($"{location} already holds a different backup named {name}. Remove it there, or push another " +
                $"backup.");
        }

        foreach (var leftover in existing)
        {
            // A push that did not finish: its objects are replaced.
            await stores.RunAsync("delete " + leftover.Key, (s, token) => s.DeleteAsync(leftover.Key, token), cancellationToken);
        }

        var pushed = new List<string>();
        try
        {
            foreach (var (file, size, sha256) in files.Append((BackupManifest.FileName, new FileInfo(manifestPath).Length, manifestSha)))
            {
                var key = RemotePaths.Key(name, file);
                await steps.InProcessAsync($"push {file}", async (step, token) =>
                {
                    pushed.Add(key);
                    await stores.RunAsync(
                        "upload " + key, (s, t) =>
                            s.UploadAsync(key, sources.GetValueOrDefault(file) ?? Path.Combine(directory, file), t), token);
                    var (readSha, readSize) = await ReadBackAsync(key, token);
                    if (readSha != sha256 || readSize != size)
                    {
                        throw new OperationFailedException($"{file} reads back from {location} as {readSize} bytes with SHA-256 " +
                            $"{readSha}, but {size} bytes with SHA-256 {sha256} were pushed: the store changed it.");
                    }

                    step.Report(size, "read back, SHA-256 matches");
                }, new StepOptions { ExpectedBytes = size }, cancellationToken);
            }
        }
        catch (Exception ex)
        {
            DeleteQuietly(sources.Values);
            await RemoveQuietlyAsync(store, pushed);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            throw new OperationFailedException($"Push of {name} to {location} failed: {ex.Message.TrimEnd('.')}. No complete copy was " +
                $"left off-site (its manifest is written last), and the local backup is untouched. Push it again.", ex);
        }

        DeleteQuietly(sources.Values);
        Recorded(directory, location);
        return new PushResult(name, location, files.Sum(f => f.Size) + new FileInfo(manifestPath).Length, AlreadyThere: false);
    }

    /// <summary>What `status` falls back on when the remote cannot be listed; a record that cannot be written costs the push
    /// nothing.</summary>
    private void Recorded(string directory, string location)
    {
        try
        {
            new PushRecord(1, time.GetUtcNow(), location).Write(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not record the push in {Directory}: {Error}", directory, ex.Message);
        }
    }

    /// <summary>
    /// The run's log as it goes off-site: as it is beside a plain backup; encrypted like the artifacts beside an
    /// encrypted one (into a private file in the backup's directory, removed after the push), or not at all when
    /// this host holds no key to encrypt it to.
    /// </summary>
    private async Task<string?> LogToPushAsync(string directory, BackupManifest manifest, CancellationToken cancellationToken)
    {
        var log = Path.Combine(directory, BackupLayout.LogFile);
        if (!File.Exists(log) || manifest.Encryption is null)
        {
            return File.Exists(log) ? log : null;
        }

        if (!encryption.Enabled)
        {
            logger.LogWarning("{Log} stays here: the backup is encrypted and this host holds no key to encrypt its log to " +
                "(Encryption:PublicKeyFiles)", BackupLayout.LogFile);
            return null;
        }

        var encrypted = Path.Combine(directory, ".summit-dr-push-" + BackupLayout.LogFile);
        await encryption.EncryptFileAsync(log, encrypted, BackupLayout.LogFile, cancellationToken);
        return encrypted;
    }

    private void DeleteQuietly(IEnumerable<string> files)
    {
        foreach (var file in files)
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException ex)
            {
                logger.LogDebug("Could not remove {File} ({Error}); it is not part of the backup", file, ex.Message);
            }
        }
    }

    private static async Task<BackupManifest> LocalManifestAsync(string directory, string name, CancellationToken cancellationToken)
    {
        if (name.StartsWith(BackupLayout.IncompletePrefix, StringComparison.Ordinal))
        {
            throw new IntegrityException($"{name} is an unfinished backup; only complete backups are pushed.");
        }

        if (!File.Exists(Path.Combine(directory, BackupManifest.FileName)))
        {
            throw new IntegrityException($"{name} has no manifest.json (made by the runbook's scripts?): without checksums it cannot be " +
                $"proved off-site. Push a backup made by summit-dr.");
        }

        try
        {
            return await ManifestFiles.ReadAsync(directory, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new IntegrityException($"manifest.json in {name} does not parse: {ex.Message}", ex);
        }
    }

    private Task<(string Sha256, long Size)> ReadBackAsync(string key, CancellationToken cancellationToken) =>
        stores.ReadBackAsync(key, cancellationToken);

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
                logger.LogWarning("Could not remove {Key} from {Location} after the failed push ({Error}); without its manifest it is " +
                    "not a complete backup", key, store.Location, ex.Message);
            }
        }
    }
}
