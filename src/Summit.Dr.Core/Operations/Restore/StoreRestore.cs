using Summit.Dr.Model;
using Summit.Dr.Operations.Kept;
using Summit.Dr.Stores.Neo4j;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr.Operations.Restore;

/// <summary>
/// One store of a restore, restored the way every store is: checked before anything starts, prepared beside the
/// live one (nothing live touched), swapped in (what it replaces kept aside, recorded in the kept state as it goes),
/// and put back when any store fails.
/// </summary>
public interface IStoreRestore
{
    BackupComponent Component { get; }

    /// <summary>Whether this is how the restore takes the store (PostgreSQL: from its dump, or to a point in time).</summary>
    bool Serves(RestoreContext context);

    /// <summary>What is refused before any store is prepared (a missing artifact, too little room).</summary>
    void Require(RestoreContext context);

    Task<IRestoringStore> PrepareAsync(RestoreContext context, CancellationToken cancellationToken);
}

/// <summary>
/// A store prepared beside the live one. What it prepared does not change; what its swap did is recorded in the
/// kept state (<see cref="SwapProgress"/>), which its put back and its release read.
/// </summary>
public interface IRestoringStore
{
    BackupComponent Component { get; }

    /// <summary>Until the preparation's work that runs on in the background is done (PostgreSQL's restore into a database of its
    /// own).</summary>
    Task ReadyAsync();

    /// <summary>Swaps the prepared store in, keeping the live one aside; what Neo4j's stop measured comes back.</summary>
    Task<StoreSwapped> SwapInAsync(SwapProgress state, CancellationToken cancellationToken);

    /// <summary>Puts back what the swap replaced; null when it replaced nothing yet.</summary>
    Task<StoreOutcome?> PutBackAsync(SwapProgress state, CancellationToken cancellationToken);

    /// <summary>Once every store is swapped in: what served the swap and is empty now goes (a step).</summary>
    Task FinishAsync();

    /// <summary>Once the restore succeeded and its checks ran: the workbenches go (steps).</summary>
    Task CloseAsync();

    /// <summary>Whatever happened, at the end: what was prepared and not swapped in goes, quietly (<paramref name="state"/> says what
    /// was).</summary>
    Task ReleaseAsync(KeptState state);

    /// <summary>What the report says of the store once restored from <paramref name="backup"/>.</summary>
    string Restored(string backup);

    /// <summary>The workbench beside Neo4j, for a store that has one: it also frees what an earlier restore kept in Neo4j's
    /// volume.</summary>
    Neo4jWorkbench? Neo4jBench => null;
}

/// <summary>What a restore settled before it prepares any store.</summary>
public sealed record RestoreContext(OpenedBackup Opened, KeptState State, RestoreTargets Targets, RecoveryPlan? Plan);

/// <summary>What a store's swap measured: how long Neo4j was down and for what work, and the node count it answered with.</summary>
public sealed record StoreSwapped((double Seconds, Neo4jOffline Work)? Neo4jDown, (string Container, long Nodes)? Neo4jAnswer)
{
    public static readonly StoreSwapped Nothing = new(null, null);
}
