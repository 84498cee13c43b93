using Summit.Dr.Archive.Catalog;
using Summit.Dr.Errors;
using Summit.Dr.Engine.Locking;
using Summit.Dr.Model;
using Summit.Dr.Operations.Kept;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Wal;


namespace Summit.Dr.Operations.Restore;

/// <summary>
/// Which backup a restore opens: the one named (or `latest`), or, for a restore to a point in time, the newest
/// complete backup at or before it for Neo4j and the uploads, with PostgreSQL's base backup and WAL planned.
/// </summary>
public sealed class RestoreSource(
    BackupCatalog catalog, PitrPlanning planning, WalSync sync, OperationLock operationLock, StepRunner steps, KeptStateStore kept)
{
    /// <summary>The ids of the kept states in the backup root: a restore's own is not one of them.</summary>
    public IReadOnlySet<string> KeptIds() => kept.Read().Select(s => s.Id).ToHashSet(StringComparer.Ordinal);

    /// <summary>The backup root's lock, held for the whole restore.</summary>
    public IDisposable Lock() => operationLock.Acquire(catalog.Root, "restore");

    /// <summary>The platform's lock, taken once the targets are known and before anything is prepared.</summary>
    public Task<IAsyncDisposable> HoldPlatformAsync(RestoreTargets targets, CancellationToken cancellationToken) =>
        operationLock.HoldPlatformAsync(targets.Postgres ?? targets.Neo4j?.Container, "restore", catalog.Root, cancellationToken);

    /// <returns>The backup's directory, the recovery plan (to a point in time), and what choosing the backup found worth saying.</returns>
    public async Task<(string Directory, RecoveryPlan? Plan, IReadOnlyList<string> Notes)> ResolveAsync(
        RestoreRequest request, CancellationToken cancellationToken)
    {
        if (request.To is not { } target)
        {
            var (found, notes) = catalog.ResolveNoting(request.Backup);
            return (found, null, notes);
        }

        if (!request.Components.Contains(BackupComponent.Postgres))
        {
            throw new UsageException("--to restores PostgreSQL to a point in time; Neo4j and the uploads have no WAL. Add postgres to " +
                "--only, or restore a backup as it is.");
        }

        // Where the archiver writes into a volume, what it has received since the last sync comes first.
        using (request.HoldsLock || request.DryRun ? null : operationLock.Acquire(catalog.Root, "drill --to"))
        {
            await sync.SyncVolumeAsync(cancellationToken);
        }

        var others = request.Components.Where(c => c != BackupComponent.Postgres).ToHashSet();
        var (plan, directory) = await steps.AskAsync("plan point in " +
            "time", (_, t) => planning.PlanAsync(target, others, request.ExplicitSelection, t), cancellationToken);
        StepRunner.Note($"postgres to {target.ToLocalTime():yyyy-MM-dd HH:mm:ss zzz}: base backup of {plan.Base.Name}, then " +
            $"{plan.Segments.Count} WAL segments ({plan.FirstSegment}..{plan.LastSegment})");
        if (others.Count > 0)
        {
            StepRunner.Note($"{string.Join(" and ", others.Select(c => c.ToString().ToLowerInvariant()))} as backed up in " +
                $"{Path.GetFileName(directory)}, the newest complete backup at or before it (they have no WAL)");
        }

        return (directory, plan, []);
    }
}
