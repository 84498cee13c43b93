using Microsoft.Extensions.Logging;
using Summit.Dr.Catalog;
using Summit.Dr.Errors;
using Summit.Dr.Locking;

namespace Summit.Dr.Prune;

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

    public PruneOperation(BackupCatalog catalog, OperationLock operationLock, ILogger<PruneOperation> logger)
    {
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

        return new PruneResult(dryRun, decisions);
    }

    private static void Refuse(IReadOnlyList<BackupEntry> entries)
    {
        var regular = entries.Where(e => e.State is BackupState.Complete or BackupState.Legacy or BackupState.Incomplete)
            .OrderByDescending(e => e.Time ?? DateTimeOffset.MinValue).ToList();
        if (regular.Count == 0)
        {
            return;
        }

        if (regular[0].State == BackupState.Incomplete)
        {
            throw new IntegrityException($"The newest backup {regular[0].Name} is incomplete: a backup run is failing. Fix it before pruning, or pass --force.");
        }

        var complete = regular.Where(e => e.State != BackupState.Incomplete).ToList();
        if (complete.Count >= 2 && complete[0].Bytes * 2 < complete[1].Bytes)
        {
            throw new IntegrityException(
                $"The newest backup {complete[0].Name} ({complete[0].Bytes} bytes) is less than half the size of {complete[1].Name} ({complete[1].Bytes} bytes): " +
                "something may be missing from it. Check it (`summit-dr check latest`) before pruning, or pass --force.");
        }
    }
}
