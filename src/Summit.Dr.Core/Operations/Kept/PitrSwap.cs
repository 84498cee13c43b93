using Microsoft.Extensions.Logging;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr.Operations.Kept;

/// <summary>
/// PostgreSQL swapped to a point in time: the archiver stopped, the server stopped, its data directory moved
/// into a volume of its own (kept for `undo`), the base backup laid with the recovery settings, the server
/// started to replay the staged WAL and promote, checked, its settings reset, and the archiver started again
/// on the new timeline. A failure puts the kept data directory back (the caller's rollback).
/// </summary>
public sealed class PitrSwap(
    PostgresDataMoves moves, WalArchiving wal, PitrRecovery recovery, ScriptRunner scripts, StepRunner steps, ILogger<PitrSwap> logger)
{
    public async Task SwapInAsync(PitrPrepared pitr, SwapProgress state, string id, CancellationToken cancellationToken)
    {
        var kept = state.Current.PostgresData! with { Touched = true };
        if (!StepRunner.DryRun)
        {
            state.Update(s => s with { PostgresData = kept });
        }

        var container = kept.Container;
        var plan = pitr.Plan;
        await steps.RunAsync("stop archiver", () => wal.RemoveArchiver(container), cancellationToken);
        await steps.RunAsync("keep postgres " +
            "data", () => moves.MoveAside(kept, id).Then(
                Script.Do(() => state.Update(s => s with { PostgresData = kept with { Moved = true } })))
                // Whole or not at all, and recorded inside: a rollback then knows what it puts back.
                .Uninterrupted(PostgresDataMoves.MoveTimeout), cancellationToken);

        var settings = BaseLayer.Settings(plan, pitr.Reading);
        await steps.RunAsync("lay base backup", () => BaseLayer.Lay(pitr.Bench, settings)
            .Then(Script.Do(step => step.Report(plan.Base.Base.Artifact.Size, $"{plan.Base.Name}'s base backup from its verified copy, " +
                $"with recovery.signal and the recovery settings"))), cancellationToken);
        DateTimeOffset? replayed = null;
        await steps.RunAsync("recover postgres", () => recovery.Recover(container, pitr.Reading, last => replayed = last)
            .Then(Script.Do(step => step.Report(detail: replayed is { } l
                ? $"replayed to the transaction that ended at {l.ToLocalTime():yyyy-MM-dd HH:mm:ss.ffffff}"
                : "no transaction to replay after the base backup"))), cancellationToken);
        await steps.RunAsync("reset recovery settings", () => recovery.Reset(container)
            .Then(Script.Run(pitr.Bench.Exec(["rm", "-rf", pitr.Bench.StagingDirectory]), "Could not remove the staged " +
                "WAL")), cancellationToken);
        await steps.ComposeAsync("archiver on the new timeline", t => wal.ResumeAsync(container, recovered: true, t), cancellationToken);
    }

    /// <summary>Puts the kept data directory back (or only removes the staged WAL), starts the server and, when PITR is on, the archiver
    /// on its branch again.</summary>
    public async Task PutBackAsync(KeptPostgresData kept, CancellationToken cancellationToken)
    {
        await wal.RemoveArchiverAsync(kept.Container, cancellationToken);
        await scripts.RunAsync(moves.PutBack(kept), cancellationToken);
        try
        {
            await wal.ResumeAsync(kept.Container, recovered: false, cancellationToken);
        }
        catch (Exception ex) when (ex is SummitDrException)
        {
            logger.LogWarning("PostgreSQL is back as it was, but its WAL archiver did not start again: {Error}. Run `summit-dr wal " +
                "start`", ex.Message);
        }
    }
}
