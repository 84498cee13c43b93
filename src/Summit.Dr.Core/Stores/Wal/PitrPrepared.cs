using Microsoft.Extensions.Logging;
using Summit.Dr.Errors;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Postgres;

namespace Summit.Dr.Stores.Wal;

/// <summary>
/// What a restore to a point in time prepared while PostgreSQL still serves: the plan, the workbench, the WAL
/// staged in the data directory and what pg_waldump read from it. Disposing it removes the staged WAL unless
/// the restore laid the base backup beside it, then the workbench.
/// </summary>
public sealed class PitrPrepared(RecoveryPlan plan, PostgresWorkbench bench, WalReading reading, ILogger logger) : IAsyncDisposable
{
    public RecoveryPlan Plan { get; } = plan;

    public PostgresWorkbench Bench { get; } = bench;

    public WalReading Reading { get; } = reading;

    /// <summary>The live data directory left PGDATA: the staged WAL is the restore's now, and goes with its rollback or its end.</summary>
    public bool Swapped { get; set; }

    public async ValueTask DisposeAsync()
    {
        if (!Swapped && !StepRunner.DryRun)
        {
            using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await Bench.RunAsync(Bench.Exec(["rm", "-rf", Bench.StagingDirectory]), "remove the staged WAL", cleanup.Token);
            }
            catch (Exception ex) when (ex is SummitDrException or OperationCanceledException)
            {
                logger.LogWarning("Could not remove the staged WAL {Directory} in {Container}: {Error}. Remove it by hand", Bench.StagingDirectory, Bench.Postgres.Name, ex.Message);
            }
        }

        await Bench.DisposeAsync();
    }
}
