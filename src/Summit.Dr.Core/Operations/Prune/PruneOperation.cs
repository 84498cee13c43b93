using Microsoft.Extensions.Logging;
using Summit.Dr.Archive.Catalog;
using Summit.Dr.Archive.Manifests;
using Summit.Dr.Archive.Retention;
using Summit.Dr.Errors;
using Summit.Dr.Engine.Locking;
using Summit.Dr.Model;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr.Operations.Prune;

/// <summary>
/// Deletes what the policy does not keep, under the lock. Refuses (exit 4) when the newest backup is
/// unfinished or less than half the size of the one before it, unless forced: that is the moment a
/// broken backup job would otherwise prune away the good backups.
/// </summary>
public sealed class PruneOperation
{
    private readonly BackupCatalog _catalog;
    private readonly OperationLock _lock;
    private readonly ILogger<PruneOperation> _logger;
    private readonly WalLedgers _ledgers;

    public PruneOperation(BackupCatalog catalog, OperationLock operationLock, WalLedgers ledgers, ILogger<PruneOperation> logger)
    {
        _ledgers = ledgers;
        _catalog = catalog;
        _lock = operationLock;
        _logger = logger;
    }

    public PruneResult Run(PrunePolicy policy, bool dryRun, bool force, TimeZoneInfo zone)
    {
        if (!policy.HasRule)
        {
            throw new UsageException("prune needs a policy: at least one of --keep-last, --keep-daily, --keep-weekly, --keep-monthly.");
        }

        using var held = _lock.Acquire(_catalog.Root, "prune");
        var entries = _catalog.List();
        if (!force)
        {
            Refuse(entries);
        }

        var decisions = PrunePlanner.Plan(entries, policy, zone);
        if (!dryRun)
        {
            foreach (var decision in decisions.Where(d => !d.Keep))
            {
                _logger.LogInformation("Removing {Name}: {Reason}", decision.Entry.Name, decision.Reasons[0]);
                Directory.Delete(decision.Entry.Directory, recursive: true);
            }
        }

        // The logs of failed runs go with the backups of their time: those older than the oldest backup kept.
        var oldestKept = decisions.Where(d => d.Keep).Select(d => d.Entry.Name).Order(StringComparer.Ordinal).FirstOrDefault();
        var logs = oldestKept is null ? [] : FailedLogs.Before(_catalog.Root.Path, oldestKept);
        if (!dryRun && logs.Count > 0)
        {
            _logger.LogInformation(
                "Removing {Count} log(s) of failed runs older than {Oldest}, the oldest backup kept", logs.Count, oldestKept);
            foreach (var log in logs)
            {
                File.Delete(log);
            }
        }

        var (bases, unread) = KeptBases(decisions);
        if (unread is not null)
        {
            // Which server's WAL that backup's point-in-time range needs is unknown: none is removed on the strength of the others.
            _logger.LogWarning("WAL is not pruned: the manifest of {Name}, which stays, cannot be read, so what its point-in-time range " +
                "needs is unknown. Check it with `summit-dr check {Name}`", unread, unread);
        }

        var archive = _ledgers.Archive;
        var wal = unread is null ? WalPrune.Removable(archive, bases) : [];
        if (!dryRun)
        {
            foreach (var file in wal)
            {
                File.Delete(file.Path);
            }

            // The ledgers forget what went, and are signed again.
            foreach (var branch in archive.Branches())
            {
                var gone = wal.Where(f => Path.GetDirectoryName(f.Path) == archive.PathOf(branch)).Select(
                    f => Path.GetFileName(f.Path)).ToHashSet(StringComparer.Ordinal);
                if (gone.Count > 0)
                {
                    _ledgers.Forget(branch, gone);
                }
            }

            if (wal.Count > 0)
            {
                _logger.LogInformation("Removed {Count} WAL segments older than the oldest base backup kept ({First} to " +
                    "{Last})", wal.Count, Path.GetFileName(wal[0].Path), Path.GetFileName(wal[^1].Path));
            }
        }

        return new PruneResult(dryRun, decisions) { WalSegments = wal.Count, WalBytes = wal.Sum(f => f.Size) };
    }

    /// <summary>
    /// The base backups of the backups that stay (and of those the policy does not judge, such as unfinished work), and
    /// the first kept backup whose manifest could not be read (then what it needs is unknown).
    /// </summary>
    private static (List<PostgresBase> Bases, string? Unread) KeptBases(IReadOnlyList<PruneDecision> decisions)
    {
        var bases = new List<PostgresBase>();
        foreach (var decision in decisions.Where(
            d => d.Keep && d.Entry.State is BackupState.Complete or BackupState.Safety or BackupState.Corrupt))
        {
            try
            {
                if (ManifestFiles.Read(decision.Entry.Directory).Postgres.Base is { } physical)
                {
                    bases.Add(physical);
                }
            }
            catch (Exception ex) when (
                ex is IOException or System.Text.Json.JsonException or SummitDrException or UnauthorizedAccessException)
            {
                return (bases, decision.Entry.Name);
            }
        }

        return (bases, null);
    }

    /// <summary>
    /// The moment a broken backup job would prune away the good backups: the newest backup is unfinished, or
    /// a store's newest artifact is less than half the size of the same store's artifact in the backup before
    /// it (like with like: an uploads-only backup is compared with the uploads of the one before).
    /// </summary>
    public static void Refuse(IReadOnlyList<BackupEntry> entries)
    {
        var newest = entries.Where(e => e.State is BackupState.Complete or BackupState.Legacy or BackupState.Incomplete)
            .OrderByDescending(e => e.Time ?? DateTimeOffset.MinValue).FirstOrDefault();
        if (newest?.State == BackupState.Incomplete)
        {
            throw new IntegrityException($"The newest backup {newest.Name} is incomplete: a backup run is failing. Fix it before " +
                $"pruning, or pass --force.");
        }

        var regular = PrunePlanner.Regular(entries);
        foreach (var store in Enum.GetValues<BackupComponent>())
        {
            var holding = regular.Where(e => e.Components.Contains(store)).Take(2).ToList();
            if (holding.Count < 2)
            {
                continue;
            }

            var (latest, before) = (Size(holding[0], store), Size(holding[1], store));
            if (latest * 2 < before)
            {
                throw new IntegrityException(
                    $"The newest backup of {PrunePlanner.StoreName(store)}, {holding[0].Name} ({BackupLayout.FileOf(store)}: {latest} " +
                        $"bytes), is less than half the size of " +
                    $"the one before it, {holding[1].Name} ({before} bytes): something may be missing from it. Check it (`summit-dr " +
                        $"check {holding[0].Name}`) before pruning, or pass --force.");
            }
        }
    }

    private static long Size(BackupEntry entry, BackupComponent store) =>
        entry.ArtifactBytes.TryGetValue(store, out var bytes) ? bytes : entry.Bytes;
}
