using Microsoft.Extensions.Logging;
using Summit.Dr.Encryption;
using Summit.Dr.Errors;
using Summit.Dr.Locking;
using Summit.Dr.Remote;
using Summit.Dr.Steps;

namespace Summit.Dr.Pitr;

/// <summary>
/// `push --wal`: the WAL archive off-site, under PREFIX/wal/BRANCH/. Only what is finished goes (complete
/// segments and history files, never the segment pg_receivewal is still writing); each object is read back and
/// compared with its SHA-256, so off-site a segment is complete or absent. Encrypted like the artifacts when
/// encryption is on (`.pgp` keys). What is already there is not sent again; branch.json always is. Where the
/// archiver writes into a volume, the volume is synced into the archive first.
/// </summary>
public sealed class WalPushOperation(RemoteStores stores, WalArchive archive, WalArchiving archiving, ArtifactEncryption encryption, OperationLock operationLock, StepRunner steps, ILogger<WalPushOperation> logger)
{
    public const string EncryptedSuffix = ".pgp";

    public async Task<(int Files, long Bytes)> PushAsync(CancellationToken cancellationToken)
    {
        steps.Begin(dryRun: false);
        using var held = operationLock.Acquire(archive.Root, "push --wal");
        await archiving.SyncVolumeAsync(cancellationToken);
        var prefix = WalArchive.DirectoryName + "/";
        var there = (await stores.RunAsync("list " + prefix, (s, t) => s.ListAsync(prefix, t), cancellationToken)).Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        var (files, bytes) = (0, 0L);
        foreach (var branch in archive.Branches())
        {
            var directory = archive.PathOf(branch);
            var finished = archive.Files(branch).Where(f => !f.Name.Partial).Select(f => f.Path)
                .Concat(Directory.EnumerateFiles(directory, "*" + WalFileName.HistorySuffix));
            foreach (var path in finished.Where(p => !there.Contains(Key(branch, p))).Append(Path.Combine(directory, WalBranch.MetadataFile)))
            {
                bytes += await PushFileAsync(branch, path, cancellationToken);
                files++;
            }
        }

        logger.LogInformation("WAL archive at {Location}{Prefix}: {Files} files sent", stores.Location, prefix, files);
        return (files, bytes);
    }

    private string Key(WalBranch branch, string path) =>
        $"{WalArchive.DirectoryName}/{branch.Name}/{Path.GetFileName(path)}{(encryption.Enabled ? EncryptedSuffix : string.Empty)}";

    private Task<long> PushFileAsync(WalBranch branch, string path, CancellationToken cancellationToken) =>
        steps.RunAsync("push wal " + Path.GetFileName(path), async (step, token) =>
        {
            var key = Key(branch, path);
            var source = path;
            if (encryption.Enabled)
            {
                source = Path.Combine(archive.PathOf(branch), ".summit-dr-push-" + Path.GetFileName(path));
                await encryption.EncryptFileAsync(path, source, Path.GetFileName(path), token);
            }

            try
            {
                var size = new FileInfo(source).Length;
                var sha = await ArtifactFiles.Sha256Async(source, token);
                await stores.RunAsync("upload " + key, (s, t) => s.UploadAsync(key, source, t), token);
                var (readSha, readSize) = await stores.ReadBackAsync(key, token);
                if (readSha != sha || readSize != size)
                {
                    await Tasks.QuietlyAsync(stores.RunAsync("delete " + key, (s, t) => s.DeleteAsync(key, t), CancellationToken.None), logger, "removing " + key);
                    throw new OperationFailedException($"{key} reads back from {stores.Location} as {readSize} bytes with SHA-256 {readSha}, but {size} bytes with SHA-256 {sha} were pushed: the store changed it.");
                }

                step.Report(size, "read back, SHA-256 matches");
                return size;
            }
            finally
            {
                if (source != path)
                {
                    File.Delete(source);
                }
            }
        }, cancellationToken);
}
