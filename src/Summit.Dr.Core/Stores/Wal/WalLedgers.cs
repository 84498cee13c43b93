using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Summit.Dr.Archive.Trust;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Model;

namespace Summit.Dr.Stores.Wal;

/// <summary>
/// Keeps the archive's ledgers (<see cref="WalLedger"/>): each branch's is extended with the complete segments and
/// history files it now holds, and the `.partial` tail as it now is, and re-signed, at every `wal start` (the samples'
/// every-minute timer), `wal stop`, backup and sync of a WAL volume, so a segment is ledgered within a minute of
/// completion. What is ledgered is never hashed again here: a byte that changes afterwards is found by the restore
/// that reads it. With Signing:TrustedKeyFiles set, a restore to a time reads a ledger only when a trusted key signed it.
/// </summary>
public sealed class WalLedgers(WalArchive archive, ManifestSigner signer, BackupTrust trust, TimeProvider time, ILogger<WalLedgers> logger)
{
    /// <summary>The archive the ledgers vouch for.</summary>
    public WalArchive Archive => archive;

    public string PathOf(WalBranch branch) => Path.Combine(archive.Directory, branch.Name + WalLedger.Suffix);

    public string SignaturePathOf(WalBranch branch) => Path.Combine(archive.Directory, branch.Name + WalLedger.SignatureSuffix);

    /// <summary>Whether restores here use only ledgered bytes: trusted keys are set and --allow-unsigned was not given.</summary>
    public bool SignedOnly => trust.Checks && !trust.AllowUnsigned;

    /// <summary>
    /// With trusted keys set, until when a restore can replay the branch: its ledger's last signed extension, or
    /// <see cref="DateTimeOffset.MinValue"/> when no ledger a trusted key signed vouches for it; null when signatures are not checked.
    /// </summary>
    public DateTimeOffset? SignedUntil(WalBranch branch)
    {
        if (!SignedOnly)
        {
            return null;
        }

        try
        {
            return ForRestore([branch]).Of(branch)?.UpdatedAt ?? DateTimeOffset.MinValue;
        }
        catch (SummitDrException)
        {
            return DateTimeOffset.MinValue;
        }
    }

    /// <summary>Extends the ledger of every branch of the archive with what it holds now; returns how many files it added.</summary>
    public async Task<int> ExtendAllAsync(CancellationToken cancellationToken)
    {
        var added = 0;
        foreach (var branch in archive.Branches())
        {
            added += await ExtendAsync(branch, cancellationToken);
        }

        return added;
    }

    /// <summary>Extends and re-signs one branch's ledger; returns how many files it added.</summary>
    public async Task<int> ExtendAsync(WalBranch branch, CancellationToken cancellationToken)
    {
        var known = ReadOwnSigned(branch);
        var entries = (known?.Files ?? []).ToList();
        var names = entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var now = time.GetUtcNow();
        var files = archive.Files(branch);
        var added = 0;
        foreach (var file in files.Where(
            f => !f.Name.Partial && f.Size == branch.SegmentSize && !names.Contains(f.Name.FileName(branch.SegmentSize))))
        {
            entries.Add(await HashAsync(file.Path, file.Name.FileName(branch.SegmentSize), null, now, cancellationToken));
            added++;
        }

        foreach (var history in archive.HistoryFiles(branch).Where(h => !names.Contains(Path.GetFileName(h))))
        {
            entries.Add(await HashAsync(history, Path.GetFileName(history), null, now, cancellationToken));
            added++;
        }

        var tail = files.Where(f => f.Name.Partial).MaxBy(f => f.Name.Segment) is { } partial
            ? await HashAsync(partial.Path, partial.Name.FileName(branch.SegmentSize), WrittenLength(partial.Path), now, cancellationToken)
            : null;
        var ledger = new WalLedger(
            WalLedger.CurrentFormatVersion, branch.Name, branch.SystemIdentifier, branch.Timeline, branch.SegmentSize, branch.Activations,
            now,
            [.. entries.OrderBy(e => e.Name, StringComparer.Ordinal)], tail);
        Write(branch, ledger);
        return added;
    }

    /// <summary>Records that `push --wal` sent the ledgered file <paramref name="name"/> (and read it back as <paramref
    /// name="objectSha256"/>), re-signed.</summary>
    public void RecordPushed(WalBranch branch, string name, string objectSha256)
    {
        if (ReadOwnSigned(branch) is { } known)
        {
            Write(branch, known with { Files = [.. known.Files.Select(f => f.Name == name ? f with { Pushed = objectSha256 } : f)] });
        }
    }

    /// <summary>Drops files a prune removed from the branch's ledger, re-signed.</summary>
    public void Forget(WalBranch branch, IReadOnlyCollection<string> removed)
    {
        if (ReadOwnSigned(branch) is { } known)
        {
            Write(branch, known with { Files = [.. known.Files.Where(f => !removed.Contains(f.Name))] });
        }
    }

    /// <summary>
    /// The ledgers a restore to a point in time reads, branch by branch. With <see cref="SignedOnly"/>, a branch's ledger
    /// counts only when a trusted key signed it; a missing, unsigned or wrongly signed one is refused (exit 4).
    /// </summary>
    public WalLedgerSet ForRestore(IEnumerable<WalBranch> branches)
    {
        var ledgers = new Dictionary<string, WalLedger>(StringComparer.Ordinal);
        foreach (var branch in branches)
        {
            var bytes = SafeFiles.ReadOwn(PathOf(branch));
            var problem = bytes is null ? $"{PathOf(branch)} is missing" : null;
            if (bytes is not null && trust.Checks)
            {
                var signature = SafeFiles.ReadOwn(SignaturePathOf(branch), BackupTrust.MaxSignatureBytes);
                problem = signature is null ? $"{PathOf(branch)} is not " +
                    $"signed" : trust.VerifyDetached(bytes, signature) is { } wrong ? $"{PathOf(branch)} is refused: {wrong}" : null;
            }

            if (problem is not null && SignedOnly)
            {
                throw new IntegrityException($"{problem}: with Signing:TrustedKeyFiles set, a restore to a point in time replays only " +
                    $"WAL a trusted key vouched for. Nothing was touched; " +
                    "run `summit-dr wal start` on the host that holds the signing key, or pass --allow-unsigned if you know where this " +
                        "WAL comes from.");
            }

            if (problem is not null && trust.Checks)
            {
                logger.LogWarning("--allow-unsigned: the WAL of {Branch} is replayed although {Problem}", branch.Name, problem);
            }

            if (bytes is not null)
            {
                ledgers[branch.Name] = Parse(bytes, branch);
            }
        }

        return new WalLedgerSet(ledgers, SignedOnly);
    }

    private WalLedger? ReadOwnSigned(WalBranch branch)
    {
        var bytes = SafeFiles.ReadOwn(PathOf(branch));
        if (bytes is null)
        {
            return null;
        }

        // A ledger changed since it was signed is not extended (and so re-signed): the change stays visible.
        if (signer.Enabled && SafeFiles.ReadOwn(SignaturePathOf(branch), BackupTrust.MaxSignatureBytes) is { } signature
            && signer.Verify(bytes, signature) is { } problem)
        {
            throw new IntegrityException($"{PathOf(branch)} does not match its signature ({problem}): it was changed after summit-dr " +
                $"signed it. Nothing was extended; inspect it.");
        }

        return Parse(bytes, branch);
    }

    private static WalLedger Parse(byte[] bytes, WalBranch branch)
    {
        WalLedger? ledger;
        try
        {
            ledger = JsonSerializer.Deserialize<WalLedger>(bytes, JsonDefaults.Options);
        }
        catch (JsonException ex)
        {
            throw new IntegrityException($"The WAL ledger of {branch.Name} does not parse ({ex.Message}): inspect it.", ex);
        }

        if (ledger is null || ledger.Branch != branch.Name || ledger.SystemIdentifier != branch.SystemIdentifier
            || ledger.Timeline != branch.Timeline || ledger.SegmentSize != branch.SegmentSize)
        {
            throw new IntegrityException($"The WAL ledger of {branch.Name} describes another branch than its directory's branch.json: " +
                $"one of them was changed. Nothing was touched; inspect both.");
        }

        return ledger;
    }

    private void Write(WalBranch branch, WalLedger ledger)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(ledger, JsonDefaults.Options);
        SafeFiles.WriteAtomically(PathOf(branch), s => s.Write(bytes));
        if (signer.Enabled)
        {
            var signature = signer.Sign(bytes);
            SafeFiles.WriteAtomically(SignaturePathOf(branch), s => s.Write(signature));
        }
        else
        {
            // A run without the signing key leaves no signature that no longer matches: the ledger is plainly unsigned.
            File.Delete(SignaturePathOf(branch));
        }
    }

    /// <summary>
    /// How much of a `.partial` holds WAL: pg_receivewal makes it the segment's size, zero-filled, and writes WAL into it
    /// from the front (again from the front, with the same bytes, when it restarts). The bytes up to the last one that is
    /// not zero never change any more; the zeros after it are still to be written.
    /// </summary>
    private static long WrittenLength(string path)
    {
        using var file = SafeFiles.OpenRead(path);
        var buffer = new byte[1 << 16];
        for (var end = file.Length; end > 0;)
        {
            var start = Math.Max(0, end - buffer.Length);
            var read = RandomAccess.Read(file.SafeFileHandle, buffer.AsSpan(0, (int)(end - start)), start);
            var last = buffer.AsSpan(0, read).LastIndexOfAnyExcept((byte)0);
            if (last >= 0)
            {
                return start + last + 1;
            }

            end = start;
        }

        return 0;
    }

    /// <summary>
    /// The SHA-256 of a file through one handle that follows no link; of its first <paramref name="length"/> bytes when
    /// given (the `.partial` is written while it is read: the ledger vouches for the prefix that holds WAL).
    /// </summary>
    private static async Task<WalLedgerEntry> HashAsync(
        string path, string name, long? length, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var file = SafeFiles.OpenRead(path);
        var size = length ?? file.Length;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        var left = size;
        while (left > 0)
        {
            var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken);
            if (read == 0)
            {
                throw new IntegrityException($"{path} ended after {size - left} of its {size} bytes while it was ledgered.");
            }

            hash.AppendData(buffer, 0, read);
            left -= read;
        }

        return new WalLedgerEntry(name, size, Convert.ToHexStringLower(hash.GetHashAndReset()), now);
    }
}
