using Microsoft.Extensions.Logging;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Neo4j;
using Summit.Dr.Stores.Postgres;
using Summit.Dr.Stores.Uploads;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr.Operations.Restore;

/// <summary>What a restore prepared beside the live platform; disposing it removes whatever was not swapped in.</summary>
public sealed class PreparedRestore(KeptState state, PostgresService postgres, ILogger logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _abort = new();

    public KeptState State { get; } = state;

    /// <summary>The restore into PostgreSQL's own database: it runs on past the checks, until the swap needs it.</summary>
    public Task? Incoming { get; private set; }

    /// <summary>The node count Neo4j answered with when it came back.</summary>
    public (string Container, long Nodes)? Neo4jAnswer { get; set; }

    /// <summary>The restored database took the live name: there is no copy left to drop.</summary>
    public bool IncomingSwapped { get; set; }

    public StagedUploads? Staged { get; set; }

    public Neo4jWorkbench? Bench { get; set; }

    /// <summary>The verified copy of the Neo4j dump in Neo4j's volume, which every load reads.</summary>
    public Neo4jDataDirectory? Neo4jDump { get; set; }

    /// <summary>Load-then-swap: the dump loaded into this directory of Neo4j's volume while Neo4j served; null to load in place.</summary>
    public Neo4jDataDirectory? Staging { get; set; }

    /// <summary>Removes the staging directory and the copy of the dump (a step, so a dry run plans it); run whatever happened.</summary>
    public Func<Task>? RemoveStaging { get; set; }

    /// <summary>How long Neo4j was down in the swap, and for what work.</summary>
    public (double Seconds, Neo4jOffline Work)? Neo4jDown { get; set; }

    /// <summary>A restore of PostgreSQL to a point in time: what it lays, settled before anything is prepared.</summary>
    public RecoveryPlan? Plan { get; set; }

    /// <summary>The base backup checked and the WAL staged, for a restore to a point in time.</summary>
    public PitrPrepared? Pitr { get; set; }

    /// <summary>Starts <paramref name="restore"/>; disposing this cancels it.</summary>
    public void StartIncoming(Func<CancellationToken, Task> restore, CancellationToken cancellationToken)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abort.Token);
        Incoming = Run();

        async Task Run()
        {
            using (linked)
            {
                await restore(linked.Token);
            }
        }
    }

    /// <summary>Removes the staging directory once (after the swap it holds nothing; on a failure, the staged store).</summary>
    public async Task RemoveStagingAsync()
    {
        if (RemoveStaging is { } remove)
        {
            RemoveStaging = null;
            await remove();
        }
    }

    public async Task ReleaseBenchAsync()
    {
        if (Bench is { } bench)
        {
            Bench = null;
            await bench.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _abort.CancelAsync();
        await Tasks.QuietlyAsync(Incoming, logger, "the restore into a database of its own");
        Staged?.Dispose();
        if (Pitr is not null)
        {
            await Pitr.DisposeAsync();
        }

        if (Bench is not null)
        {
            await Bench.DisposeAsync();
        }

        await RemoveStagingAsync();

        // A restored copy that was never swapped in goes.
        if (State.Postgres is { } pg && !IncomingSwapped)
        {
            using var cleanup = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            try
            {
                await postgres.DropAsync(pg.Container, pg.Incoming, cleanup.Token);
            }
            catch (Exception ex) when (ex is SummitDrException or OperationCanceledException)
            {
                logger.LogWarning("Could not drop the database {Database}: {Error}. Drop it by hand", pg.Incoming, ex.Message);
            }
        }

        _abort.Dispose();
    }
}
