using Microsoft.Extensions.Logging;
using Summit.Dr.Errors;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Postgres;

namespace Summit.Dr.Stores.Wal;

/// <summary>
/// What a restore to a point in time prepared while PostgreSQL still serves: the plan, the workbench, the WAL
/// staged in the data directory and what pg_waldump read from it.
/// </summary>
public sealed record PitrPrepared(RecoveryPlan Plan, PostgresWorkbench Bench, WalReading Reading)
{
    /// <summary>
    /// Removes the staged WAL unless the live data directory left PGDATA (<paramref name="laidOver"/>: the staged WAL is
    /// the restore's then, and goes with its rollback or its end), then the workbench; a failure is said, not thrown.
    /// </summary>
    public async Task ReleaseAsync(bool laidOver, ScriptRunner scripts, ILogger logger)
    {
        if (!laidOver && !StepRunner.DryRun)
        {
            using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await scripts.RunAsync(Script.Run(Bench.Exec(["rm", "-rf", Bench.StagingDirectory]), "Could not remove the staged " +
                    "WAL"), cleanup.Token);
            }
            catch (Exception ex) when (ex is SummitDrException or OperationCanceledException)
            {
                logger.LogWarning("Could not remove the staged WAL {Directory} in {Container}: {Error}. Remove it by " +
                    "hand", Bench.StagingDirectory, Bench.Postgres.Name, ex.Message);
            }
        }

        await Bench.DisposeAsync();
    }
}
