using Summit.Dr.Archive.Catalog;
using Summit.Dr.Archive.Remote;
using Summit.Dr.Model;
using Summit.Dr.Operations.Kept;
using Summit.Dr.Operations.Restore;


namespace Summit.Dr.Operations.List;

/// <summary>`list`: the backups in the root (each with its last drill) and what restores kept aside, or the backups off-site.</summary>
public sealed class ListOperation(BackupCatalog catalog, KeptStores kept, KeptStateStore states, RemoteCatalog remote, PitrPlanning pitr)
{
    public string Root => catalog.Root.Path;

    public async Task<LocalListing> ListLocalAsync(CancellationToken cancellationToken)
    {
        var measured = new List<(KeptState, (long?, long?, long?))>();
        foreach (var state in states.Read())
        {
            measured.Add((state, await kept.SizesAsync(state, cancellationToken)));
        }

        return new LocalListing(catalog.Root.Path, catalog.List().Select(e => (e, DrillRecord.Read(e.Directory))).ToList(), measured)
        {
            Window = await pitr.WindowAsync(cancellationToken),
        };
    }

    public Task<IReadOnlyList<BackupEntry>> ListRemoteAsync(CancellationToken cancellationToken) => remote.ListAsync(cancellationToken);

    /// <summary>What the kept state takes, store by store, where it can be measured.</summary>
    public async Task<IReadOnlyList<(KeptState State, (long? Postgres, long? Neo4j, long? Uploads) Sizes)>> KeptAsync(
        CancellationToken cancellationToken) =>
        (await ListLocalAsync(cancellationToken)).Kept;
}

/// <summary>The backups of the root, newest first, each with its last drill; and the state each restore kept aside.</summary>
public sealed record LocalListing(
    string Root,
    IReadOnlyList<(BackupEntry Entry, DrillRecord? LastDrill)> Backups,
    IReadOnlyList<(KeptState State, (long? Postgres, long? Neo4j, long? Uploads) Sizes)> Kept)
{
    /// <summary>The point-in-time window PostgreSQL can be restored to, when PITR is on.</summary>
    public RecoverableWindow? Window { get; init; }
}
