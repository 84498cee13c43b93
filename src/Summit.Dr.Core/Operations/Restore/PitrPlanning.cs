using Summit.Dr.Archive.Catalog;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Stores;
using Summit.Dr.Stores.Wal;


namespace Summit.Dr.Operations.Restore;

/// <summary>From when to when PostgreSQL can be restored to any second.</summary>
/// <param name="SignedOnly">The window ends at the ledger's last signed sync (Signing:TrustedKeyFiles): a restore reaches no later.</param>
public sealed record RecoverableWindow(DateTimeOffset From, DateTimeOffset To, bool Streaming, bool SignedOnly = false);

/// <summary>
/// Where a restore to a point in time takes each store from: PostgreSQL from the newest base backup before the
/// target and the archived WAL after it (<see cref="RecoveryPlanner"/>); Neo4j and the uploads, which have no
/// WAL, from the newest complete backup at or before the target. Settled before anything is prepared.
/// </summary>
public sealed class PitrPlanning(
    BackupCatalog catalog, WalArchive archive, WalStatusReader reader, PlatformContainers containers, WalLedgers ledgers,
        Microsoft.Extensions.Options.IOptions<SummitDrOptions> options, TimeProvider time)
{
    /// <summary>
    /// The window a restore to a point in time can reach: from the oldest base backup the archive runs on from,
    /// to the last archived second (now, while the archiver streams with no lag). Null when PITR is off or there
    /// is no archive or no base backup.
    /// </summary>
    public async Task<RecoverableWindow?> WindowAsync(CancellationToken cancellationToken)
    {
        var branches = archive.Branches();
        if (!options.Value.Pitr.Enabled || branches.Count == 0)
        {
            return null;
        }

        WalStatus? status = null;
        try
        {
            status = await reader.ReadAsync(await containers.PostgresOrNullAsync(cancellationToken), archive, cancellationToken);
        }
        catch (SummitDrException)
        {
            // Docker or PostgreSQL cannot be asked: the window ends at the archive's last write.
        }

        var current = branches.FirstOrDefault(b => b.Name == status?.Branch) ?? branches[^1];
        var since = branches.Where(b => b.SystemIdentifier == current.SystemIdentifier).Min(b => b.Activations[0]);
        var oldest = catalog.Accepted()
            .Select(b => b.Manifest.Postgres.Base is { } physical
                && physical.SystemIdentifier == current.SystemIdentifier ? physical.Artifact.FinishedAt : (DateTimeOffset?)null)
            .Where(t => t >= since)
            .Min();
        var to = status?.CoveredUntil(time.GetUtcNow()) ?? archive.LastWrite(current) ?? DateTimeOffset.MinValue;
        var signed = ledgers.SignedUntil(current);
        return oldest is { } from
            ? new RecoverableWindow(from, signed is { } s && s < to ? s : to, status?.Streaming ?? false, signed is not null) : null;
    }

    /// <param name="others">The stores besides PostgreSQL the restore takes (Neo4j, uploads).</param>
    /// <returns>The recovery plan, and the backup the other stores come from (the base backup's own when there are none).</returns>
    /// <param name="explicitSelection">The stores were named (`--only`): each must be in that backup; else the newest backup with any of
    /// them is taken, and the rest left as they are.</param>
    public async Task<(RecoveryPlan Plan, string Directory)> PlanAsync(
        DateTimeOffset target, IReadOnlySet<BackupComponent> others, bool explicitSelection, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (target > now)
        {
            throw new UsageException($"--to {target:yyyy-MM-dd HH:mm:ss zzz} is in the future: a restore goes back in time.");
        }

        var accepted = catalog.Accepted();
        var bases = accepted.Where(b => b.Manifest.Postgres is { Status: ComponentStatus.Captured, Base: not null })
            .Select(b => new BaseCandidate(b.Entry.Name, b.Entry.Directory, b.Manifest.Postgres.Base!, b.Manifest))
            .ToList();
        var live = await reader.ReadAsync(await containers.PostgresOrNullAsync(cancellationToken), archive, cancellationToken);
        var plan = RecoveryPlanner.Plan(
            target, archive, bases, branch =>
                branch.Name == live.Branch ? live.CoveredUntil(now) : archive.LastWrite(branch) ?? DateTimeOffset.MinValue,
            ledgers.ForRestore(archive.Branches()));
        if (others.Count == 0)
        {
            return (plan, plan.Base.Directory);
        }

        var backup = accepted.Where(b => b.Entry.State == BackupState.Complete && b.Manifest.CreatedAt <= target
                && (explicitSelection ? others.All(b.Manifest.Captured.Contains) : others.Any(b.Manifest.Captured.Contains)))
            .Select(b => b.Entry.Directory).FirstOrDefault();
        return backup is not null ? (plan, backup)
            : explicitSelection ? throw new IntegrityException($"No complete backup of " +
                $"{string.Join(" and ", others.Select(c => c.ToString().ToLowerInvariant()))} was made at or before " +
                    $"{target.ToLocalTime():yyyy-MM-dd HH:mm:ss zzz}: restore PostgreSQL alone with `--only postgres`.")
            : (plan, plan.Base.Directory);
    }
}
