using Microsoft.Extensions.Logging;
using Summit.Dr.Archive.Encryption;
using Summit.Dr.Archive.Remote;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Engine.Locking;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr.Operations.Wal;

/// <summary>
/// `push --wal`: the WAL archive off-site, under PREFIX/wal/BRANCH/. Only what is finished goes (complete segments and
/// history files, never the segment pg_receivewal is still writing), and only bytes the ledger vouches for: each file is
/// read once into a private copy, checked against its ledger on the way (with trusted keys set, only ledgered files go),
/// then sent and read back. An object already there that summit-dr did not push is compared with the ledger and refused
/// when it differs (exit 4), so a planted object never stands in for the genuine one. Encrypted like the artifacts when
/// encryption is on (`.pgp` keys). branch.json and the ledger always go. Where the archiver writes into a volume, the
/// volume is synced into the archive first.
/// </summary>
public sealed class WalPushOperation(
    RemoteStores stores, WalLedgers ledgers, WalSync sync, ArtifactEncryption encryption, OperationLock operationLock, StepRunner steps,
    ILogger<WalPushOperation> logger)
{
    public const string EncryptedSuffix = ".pgp";

    private WalArchive Archive => ledgers.Archive;

    public async Task<(int Files, long Bytes)> PushAsync(CancellationToken cancellationToken)
    {
        steps.Begin(dryRun: false);
        using var held = operationLock.Acquire(Archive.Root, "push --wal");
        await sync.SyncVolumeAsync(cancellationToken);
        var prefix = WalArchive.DirectoryName + "/";
        var there = (await stores.RunAsync("list " + prefix, (s, t) => s.ListAsync(prefix, t), cancellationToken)).Select(
            o => o.Key).ToHashSet(StringComparer.Ordinal);
        var branches = Archive.Branches();
        var set = ledgers.ForRestore(branches);
        var (files, bytes) = (0, 0L);
        foreach (var branch in branches)
        {
            var ledger = set.Of(branch);
            foreach (var path in Finished(branch, set))
            {
                var name = Path.GetFileName(path);
                var expected = ledger?.Entry(name);
                if (there.Contains(Key(branch, name)))
                {
                    await RequireSameAsync(branch, path, expected, cancellationToken);
                    continue;
                }

                bytes += await PushFileAsync(branch, path, expected, cancellationToken);
                files++;
            }

            foreach (var path in new[] { Path.Combine(Archive.PathOf(branch), WalBranch.MetadataFile), ledgers.PathOf(branch),
                ledgers.SignaturePathOf(branch) }.Where(File.Exists))
            {
                bytes += await PushFileAsync(branch, path, null, cancellationToken);
                files++;
            }
        }

        logger.LogInformation("WAL archive at {Location}{Prefix}: {Files} files sent", stores.Location, prefix, files);
        return (files, bytes);
    }

    /// <summary>The complete segments and history files to send: with trusted keys set only those the ledger names, else all that lie
    /// there.</summary>
    private IEnumerable<string> Finished(WalBranch branch, WalLedgerSet set)
    {
        var lying = Archive.Files(branch).Where(f => !f.Name.Partial).Select(f => f.Path).Concat(Archive.HistoryFiles(branch));
        return set.SignedOnly
            ? set.Of(branch)!.Files.Select(f => Path.Combine(Archive.PathOf(branch), f.Name)).Where(File.Exists)
            : lying;
    }

    private string Key(WalBranch branch, string name) =>
        $"{WalArchive.DirectoryName}/{branch.Name}/{name}{(encryption.Enabled ? EncryptedSuffix : string.Empty)}";

    /// <summary>
    /// An object that is there already: one summit-dr pushed (the ledger recorded it) stays; any other must hold the ledgered
    /// bytes (read back and compared), else it is refused. An encrypted one cannot be compared here, and is refused.
    /// </summary>
    private Task RequireSameAsync(WalBranch branch, string path, WalLedgerEntry? expected, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        var key = Key(branch, name);
        if (expected?.Pushed is not null)
        {
            return Task.CompletedTask;
        }

        return steps.InProcessAsync("compare wal " + name, async (step, token) =>
        {
            if (encryption.Enabled)
            {
                throw new IntegrityException($"{key} is already at {stores.Location}, but summit-dr did not push it, and an encrypted " +
                    $"object cannot be compared with the ledger here: " +
                    "it may have been planted. Nothing was sent; remove it from the store, then push again.");
            }

            var (sha, size) = await stores.ReadBackAsync(key, token);
            var want = expected?.Sha256 ?? await ArtifactFiles.Sha256Async(path, token);
            if (sha != want)
            {
                throw new IntegrityException($"{key} at {stores.Location} is not the segment the archive holds ({size} bytes, SHA-256 " +
                    $"{sha}; the ledger records {want}): it was planted or changed off-site. " +
                    "Nothing was sent; remove it from the store, then push again.");
            }

            if (expected is not null)
            {
                ledgers.RecordPushed(branch, name, sha);
            }

            step.Report(size, "already there, SHA-256 matches the ledger");
        }, StepOptions.Default, cancellationToken);
    }

    /// <summary>
    /// One file read once into a private copy beside the branches (out of the archiver's reach), checked against its ledger on
    /// the way and encrypted when encryption is on; the copy is sent, read back and compared.
    /// </summary>
    private Task<long> PushFileAsync(WalBranch branch, string path, WalLedgerEntry? expected, CancellationToken cancellationToken) =>
        steps.InProcessAsync("push wal " + Path.GetFileName(path), async (step, token) =>
        {
            var name = Path.GetFileName(path);
            var key = Key(branch, name);
            var source = Path.Combine(Archive.Directory, $".summit-dr-push-{Guid.NewGuid():N}");
            try
            {
                await using (var output = PrivateFiles.Create(source))
                {
                    await using var read = new LedgeredRead(path, expected, signedOnly: true);
                    if (encryption.Enabled)
                    {
                        await using var encrypting = encryption.Encrypt(output, name);
                        await read.CopyToAsync(encrypting, token);
                    }
                    else
                    {
                        await read.CopyToAsync(output, token);
                    }

                    output.Flush(flushToDisk: true);
                }

                var size = new FileInfo(source).Length;
                var sha = await ArtifactFiles.Sha256Async(source, token);
                await stores.RunAsync("upload " + key, (s, t) => s.UploadAsync(key, source, t), token);
                var (readSha, readSize) = await stores.ReadBackAsync(key, token);
                if (readSha != sha || readSize != size)
                {
                    await Tasks.QuietlyAsync(
                        stores.RunAsync("delete " + key, (s, t) => s.DeleteAsync(key, t), CancellationToken.None), logger,
                        "removing " + key);
                    throw new OperationFailedException($"{key} reads back from {stores.Location} as {readSize} bytes with SHA-256 " +
                        $"{readSha}, but {size} bytes with SHA-256 {sha} were pushed: the store changed it.");
                }

                if (expected is not null)
                {
                    ledgers.RecordPushed(branch, name, sha);
                }

                step.Report(size, "read back, SHA-256 matches");
                return size;
            }
            finally
            {
                File.Delete(source);
            }
        }, StepOptions.Default, cancellationToken);
}
