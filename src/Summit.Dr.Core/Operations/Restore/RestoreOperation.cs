using System.Diagnostics;
using Summit.Dr.Archive.Catalog;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Backup;
using Summit.Dr.Operations.Confirmation;
using Summit.Dr.Operations.Kept;
using Summit.Dr.Steps;

namespace Summit.Dr.Operations.Restore;

/// <summary>
/// Restores a backup so that it is impossible to make things worse, in three phases: verify and prepare
/// (<see cref="RestorePreparation"/>: nothing live is touched), swap in and roll back (<see cref="RestoreSwap"/>:
/// once confirmed, invariant 9, the stores are swapped in together and what they replace is kept aside, so
/// `summit-dr undo` can put it back), and report (<see cref="RestoreFinish"/>: the runbook's checks). A dry run
/// goes through the same steps and records what they would run.
/// </summary>
public sealed class RestoreOperation(
    RestoreSetup setup, RestorePreparation preparation, RestoreSwap swap, RestoreFinish finish, BackupOperation backup, IRestoreConfirmation confirmation, StepRunner steps)
{
    public async Task<RestoreResult> RunAsync(RestoreRequest request, CancellationToken cancellationToken)
    {
        var log = steps.Begin(request.DryRun);
        var started = Stopwatch.GetTimestamp();
        using var held = log.DryRun ? null : setup.Lock();
        var (directory, plan, notes) = await setup.ResolveAsync(request, cancellationToken);
        StepRunner.Note($"restore {directory}{(string.Equals(request.Backup, BackupCatalog.Latest, StringComparison.OrdinalIgnoreCase) && plan is null ? " (latest)" : string.Empty)}");
        PreparedRestore? prepared = null;
        try
        {
            var (start, verified) = await steps.RunAsync("verify backup", async (_, token) =>
            {
                var start = await setup.OpenAsync(request, directory, notes, steps, token);
                if (!request.Yes && !confirmation.CanAsk && !log.DryRun)
                {
                    // Known before anything is prepared: nobody can confirm, so nothing is worth starting.
                    throw new UsageException($"Restore overwrites the live platform and there is no terminal to confirm on. Pass --yes to confirm restoring {start.Opened.Name}.");
                }

                finish.Warn(start.Warnings.Skip(start.Opened.Warnings.Count));
                prepared = preparation.Create(start.State);
                prepared.Plan = plan;
                return (start, await preparation.PrepareAsync(prepared, start.Opened, start.Components, start.Targets, setup.Root, token));
            }, cancellationToken, options: new StepOptions { Composite = true });

            await ConfirmAsync(request, verified, cancellationToken);
            var safety = request.SafetyBackup ? await SafetyBackupAsync(prepared!, start, cancellationToken) : null;
            var outcome = await swap.SwapInAsync(prepared!, verified, start.Targets, setup.Root, cancellationToken);
            await prepared!.RemoveStagingAsync();
            if (!log.DryRun)
            {
                KeptStateStore.Save(setup.Root, outcome with { Complete = true });
            }

            var health = await finish.FinishAsync(outcome, prepared!, start.Components, cancellationToken);
            var stores = RestoreOutcomes.Order.Select(c => start.Components.Contains(c)
                ? new StoreOutcome(c, StoreState.Restored, c == BackupComponent.Postgres && prepared!.Pitr is { } pitr ? RestoreOutcomes.PointInTime(pitr) : $"restored from {verified.Name}")
                : new StoreOutcome(c, StoreState.Untouched, "not part of this restore")).ToList();
            var timed = log.TopLevel.Where(s => s.Succeeded).Select(s => new RestoreStep(s.Name, Math.Round(s.Duration.TotalSeconds, 3))).ToList();
            return new RestoreResult(
                verified.Directory, safety, timed, stores, health?.Checks ?? [], Stopwatch.GetElapsedTime(started), [.. start.Warnings, .. verified.Warnings], outcome with { Complete = true }, log.Records)
            { Trust = start.Opened.Trust, Neo4jDown = prepared!.Neo4jDown };
        }
        finally
        {
            if (prepared is not null)
            {
                await prepared.DisposeAsync();
            }
        }
    }

    private async Task ConfirmAsync(RestoreRequest request, VerifiedBackup verified, CancellationToken cancellationToken)
    {
        if (request.Yes)
        {
            StepRunner.Note("confirmed by --yes");
            return;
        }

        if (StepRunner.DryRun)
        {
            StepRunner.Note("confirm: on a terminal, type the database name; without one, --yes is required");
            return;
        }

        if (!confirmation.CanAsk)
        {
            throw new UsageException($"Restore overwrites the live platform and there is no terminal to confirm on. Pass --yes to confirm restoring {verified.Name}.");
        }

        if (!await confirmation.ConfirmAsync(setup.Confirmation(verified, request.SafetyBackup), cancellationToken))
        {
            throw new UsageException("Restore not confirmed; nothing was changed.");
        }
    }

    /// <summary>A durable backup of the state about to be replaced. It dumps in a workbench of the same name: the restore's goes for the time of it.</summary>
    private Task<string?> SafetyBackupAsync(PreparedRestore prepared, RestoreStart start, CancellationToken cancellationToken) =>
        steps.RunAsync<string?>("safety backup", async (_, token) =>
        {
            var reopen = prepared.Bench is not null;
            await prepared.ReleaseBenchAsync();
            var taken = await backup.RunHoldingLockAsync(new BackupRequest(null, start.Components, StepRunner.DryRun, BackupKind.Safety), token);
            if (reopen)
            {
                prepared.Bench = await preparation.StartBenchAsync(start.Targets.Neo4j!, token);
            }

            return taken.Directory;
        }, cancellationToken, options: new StepOptions { Composite = true });
}
