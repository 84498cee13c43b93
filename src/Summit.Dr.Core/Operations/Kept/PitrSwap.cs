using Microsoft.Extensions.Logging;
using Summit.Dr.Engine.Docker;
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
public sealed class PitrSwap(PostgresDataMoves moves, WalArchiving wal, PitrRecovery recovery, DockerCli docker, StepRunner steps, ILogger<PitrSwap> logger)
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
        await steps.RunAsync("stop archiver", (_, t) => wal.RemoveArchiverAsync(container, t), cancellationToken, () => StepPlan.Of(wal.RemoveArchiverSpec(container)));
        await steps.RunAsync("keep postgres data", async (_, t) =>
        {
            await moves.CreateVolumeAsync(kept, id, t);
            await moves.StopAsync(kept.Container, t);
            await moves.MoveAsideAsync(kept, t);
            pitr.Swapped = true;
            state.Update(s => s with { PostgresData = kept with { Moved = true } });
        }, cancellationToken, () => StepPlan.Of(moves.CreateVolumeSpec(kept, id), moves.StopSpec(container), moves.MoveAsideSpec(kept))
            .With($"{kept.DataDirectory} (but the staged WAL) into the volume {kept.Volume}, kept for `summit-dr undo`"));

        var settings = BaseLayer.Settings(plan, pitr.Reading);
        await steps.RunAsync("lay base backup", async (step, t) =>
        {
            await BaseLayer.LayAsync(pitr.Bench, settings, docker, t);
            step.Report(plan.Base.Base.Artifact.Size, $"{plan.Base.Name}'s base backup from its verified copy, with recovery.signal and the recovery settings");
        }, cancellationToken, () => StepPlan.Of(
                new PlannedCommand(BaseLayer.ExtractSpec(pitr.Bench)) { Note = "the copy whose SHA-256 matched, decompressed" },
                new PlannedCommand(BaseLayer.SettingsSpec(pitr.Bench)) { Note = "< " + settings.Trim().Replace('\n', ';') },
                BaseLayer.SignalSpec(pitr.Bench)));

        await steps.RunAsync("recover postgres", async (step, t) =>
        {
            var last = await recovery.RecoverAsync(container, pitr.Reading, t);
            step.Report(detail: last is { } l ? $"replayed to the transaction that ended at {l.ToLocalTime():yyyy-MM-dd HH:mm:ss.ffffff}" : "no transaction to replay after the base backup");
        }, cancellationToken, () => recovery.RecoverPlan(container));
        await steps.RunAsync("reset recovery settings", async (_, t) =>
        {
            await recovery.ResetAsync(container, t);
            await pitr.Bench.RunAsync(pitr.Bench.Exec(["rm", "-rf", pitr.Bench.StagingDirectory]), "remove the staged WAL", t);
        }, cancellationToken, () => recovery.ResetPlan(container).Then(pitr.Bench.Exec(["rm", "-rf", pitr.Bench.StagingDirectory])));
        await steps.RunAsync("archiver on the new timeline", async (_, t) => await wal.ResumeAsync(container, t, recovered: true), cancellationToken,
            () => StepPlan.Note("`summit-dr wal start` without the lock: the slot, then the archiver into the new timeline's branch"), new StepOptions { Composite = true });
    }

    /// <summary>Puts the kept data directory back (or only removes the staged WAL), starts the server and, when PITR is on, the archiver on its branch again.</summary>
    public async Task PutBackAsync(KeptPostgresData kept, CancellationToken cancellationToken)
    {
        await wal.RemoveArchiverAsync(kept.Container, cancellationToken);
        await moves.PutBackAsync(kept, cancellationToken);
        try
        {
            await wal.ResumeAsync(kept.Container, cancellationToken);
        }
        catch (Exception ex) when (ex is SummitDrException)
        {
            logger.LogWarning("PostgreSQL is back as it was, but its WAL archiver did not start again: {Error}. Run `summit-dr wal start`", ex.Message);
        }
    }
}
