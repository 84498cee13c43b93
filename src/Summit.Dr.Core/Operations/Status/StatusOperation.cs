using Microsoft.Extensions.Options;
using Summit.Dr.Archive.Catalog;
using Summit.Dr.Archive.Remote;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Restore;

namespace Summit.Dr.Operations.Status;

/// <summary>
/// `status`: what an incident would lose and how long it would take, now. Each store's newest recovery point (PostgreSQL's
/// last archived second when point-in-time recovery is on, else the newest complete backup a restore would accept that
/// captured the store), the same off-site, and the last drill's measured restore time, each against
/// <see cref="ObjectivesOptions"/>; every figure says where it was read. It starts, locks and writes nothing.
/// </summary>
public sealed class StatusOperation(
    BackupCatalog catalog, PitrPlanning pitr, RemoteCatalog remote, IOptions<SummitDrOptions> options, TimeProvider time)
{
    private static readonly BackupComponent[] Stores = [BackupComponent.Postgres, BackupComponent.Neo4j, BackupComponent.Uploads];

    /// <summary>A drill record claiming more than a week for its restore is not one summit-dr wrote.</summary>
    private const double MostDrillSeconds = 7 * 24 * 3600;

    public async Task<RecoveryStatus> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.Objectives;
        var objectives = new RecoveryObjectives(
            TimeSpan.FromMinutes(settings.RpoMinutes), TimeSpan.FromMinutes(settings.RtoMinutes),
            TimeSpan.FromDays(settings.DrillMaxAgeDays));
        var read = time.GetUtcNow();
        // What a restore would take: accepted (signature, encryption), complete, not a safety backup; each store by its manifest.
        var complete = catalog.Accepted().Where(a => a.Entry.State == BackupState.Complete && a.Entry.Time is not null)
            .Select(a => a.Entry with { Components = a.Manifest.Captured.ToList() }).ToList();
        var local = Stores.Select(store => Newest(complete, store, read, e => $"manifest of {e.Name}")).ToList();
        // The archive's last second, unless a backup taken since is later (a stopped archiver is the WAL alerts' to report).
        if (await pitr.WindowAsync(cancellationToken) is { } window && !(local[0].At > window.To))
        {
            local[0] = new RecoveryPoint(BackupComponent.Postgres, window.To, window.Streaming
                ? "WAL archive: the archiver streams, archived up to now" : "WAL archive: its last archived second", time.GetUtcNow());
        }

        var offSite = remote.Configured ? await OffSiteAsync(complete, cancellationToken) : null;
        var drill = LastDrill(catalog.List());
        var estimate = Estimate(complete, drill);
        var now = time.GetUtcNow();
        var breaches = RecoveryVerdict.Breaches(now, objectives, local, offSite, drill, estimate);
        return new RecoveryStatus(now, objectives, local, offSite, drill, estimate, breaches);
    }

    /// <summary>The remote listing; when the remote cannot be listed, what the last pushes of the local backups recorded, said as
    /// such.</summary>
    private async Task<OffSiteStatus> OffSiteAsync(IReadOnlyList<BackupEntry> complete, CancellationToken cancellationToken)
    {
        var location = remote.Location;
        try
        {
            var listed = (await remote.ListAsync(cancellationToken)).Where(
                e => e.State == BackupState.Complete && e.Time is not null).ToList();
            var read = time.GetUtcNow();
            return new OffSiteStatus(
                location, Stores.Select(s => Newest(listed, s, read, e => $"remote listing of {location}")).ToList(), Listed: true, null);
        }
        catch (Exception ex) when ((ex is SummitDrException && ex is not UsageException)
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var pushed = complete.Where(e => PushRecord.Read(e.Directory) is { } record && record.Location == location + e.Name).ToList();
            var read = time.GetUtcNow();
            return new OffSiteStatus(location, Stores.Select(s => Newest(pushed, s, read, e => $"push record of {e.Name} " +
                $"({PushRecord.FileName}, the remote not answering)")).ToList(), Listed: false, ex.Message);
        }
    }

    private static RecoveryPoint Newest(
        IReadOnlyList<BackupEntry> entries, BackupComponent store, DateTimeOffset read, Func<BackupEntry, string> source)
    {
        var newest = entries.Where(e => e.Components.Contains(store)).MaxBy(e => e.Time);
        return newest is null
            ? new RecoveryPoint(store, null, "no complete backup holds it", read)
            : new RecoveryPoint(store, newest.Time, source(newest), read);
    }

    /// <summary>
    /// The newest drill record of any backup in the root that judged its backup (an interrupted drill did not), with the
    /// bytes of the artifacts it restored. A record with a restore time no drill can have is not taken.
    /// </summary>
    private static DrillProof? LastDrill(IReadOnlyList<BackupEntry> entries) =>
        entries.Select(e => DrillRecord.Read(e.Directory) is { } record && record.Result != DrillRecord.Interrupted
                && double.IsFinite(record.TotalSeconds) && record.TotalSeconds is >= 0 and <= MostDrillSeconds
                ? new DrillProof(e.Name, record.Time, record.Result == DrillRecord.Proven, record.TotalSeconds,
                    ArtifactBytes(e, e.Components), Path.Combine(e.Name, DrillRecord.FileName))
                : null)
            .OfType<DrillProof>()
            .MaxBy(d => d.Time);

    /// <summary>
    /// How long restoring each store from its newest complete backup should take: the drill's time when it drilled that very
    /// backup for every store, else scaled by the artifacts' bytes against the drilled backup's.
    /// </summary>
    private static RestoreEstimate? Estimate(IReadOnlyList<BackupEntry> complete, DrillProof? drill)
    {
        var newest = Stores.Select(s => (Store: s, Entry: complete.Where(e => e.Components.Contains(s)).MaxBy(e => e.Time)))
            .Where(n => n.Entry is not null).ToList();
        if (newest.Count == 0 || drill is not { Passed: true })
        {
            return null;
        }

        var names = newest.Select(n => n.Entry!.Name).Distinct().ToList();
        var bytes = newest.Sum(n => ArtifactBytes(n.Entry!, [n.Store]));
        var same = names.Count == 1 && names[0] == drill.Backup;
        var seconds = same || drill.BackupBytes <= 0 ? drill.TotalSeconds : drill.TotalSeconds * bytes / drill.BackupBytes;
        return new RestoreEstimate(string.Join(" + ", names), bytes, Math.Round(Math.Min(seconds, MostDrillSeconds), 1), Scaled: !same);
    }

    /// <summary>The bytes of <paramref name="stores"/>' artifacts in a backup (its whole size where the listing has none).</summary>
    private static long ArtifactBytes(BackupEntry entry, IEnumerable<BackupComponent> stores) =>
        entry.ArtifactBytes.Count == 0 ? entry.Bytes : stores.Sum(s => entry.ArtifactBytes.GetValueOrDefault(s));
}
