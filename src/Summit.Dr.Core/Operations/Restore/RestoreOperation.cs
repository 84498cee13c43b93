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
    RestoreSetup setup, IEnumerable<IStoreRestore> restores, RestoreSwap swap, RestoreFinish finish, BackupOperation backup,
        IRestoreConfirmation confirmation, StepRunner steps)
{
    public async Task<RestoreResult> RunAsync(RestoreRequest request, CancellationToken cancellationToken)
    {
        var log = steps.Begin(request.DryRun);
        var started = Stopwatch.GetTimestamp();
        using var held = log.DryRun ? null : setup.Lock();
        var (directory, plan, notes) = await setup.ResolveAsync(request, cancellationToken);
        var latest = string.Equals(request.Backup, BackupCatalog.Latest, StringComparison.OrdinalIgnoreCase) && plan is null;
        StepRunner.Note($"restore {directory}{(latest ? " (latest)" : string.Empty)}");
        IRestoringStore?[] prepared = [];
        SwapProgress? progress = null;
        IAsyncDisposable? platform = null;
        try
        {
            var (start, verified, state) = await steps.ComposeAsync("verify backup", async (_, token) =>
            {
                var start = await setup.OpenAsync(request, directory, notes, steps, token);
                platform = await setup.HoldPlatformAsync(start.Targets, token);
                var state = progress = swap.Track(start.State);
                if (!request.Yes && !confirmation.CanAsk && !log.DryRun)
                {
                    // Known before anything is prepared: nobody can confirm, so nothing is worth starting.
                    throw new UsageException($"Restore overwrites the live platform and there is no terminal to confirm on. Pass --yes " +
                        $"to confirm restoring {start.Opened.Name}.");
                }

                finish.Warn(start.Warnings.Skip(start.Opened.Warnings.Count));
                var context = new RestoreContext(start.Opened, start.State, start.Targets, plan);
                var chosen = restores.Where(r => start.Components.Contains(r.Component) && r.Serves(context)).ToList();
                chosen.ForEach(r => r.Require(context));
                // Every store is prepared side by side, touching nothing live; the first failure stops the others.
                prepared = new IRestoringStore?[chosen.Count];
                await steps.ConcurrentlyAsync(
                    [.. chosen.Select(
                        (r, i) => (Func<CancellationToken, Task>)(async t => prepared[i] = await r.PrepareAsync(context, t)))], token);
                var total = start.Components.Select(c => new FileInfo(Path.Combine(start.Opened.Directory, BackupLayout.FileOf(c)))).Where(
                    f => f.Exists).Sum(f => f.Length);
                return (start, new VerifiedBackup(start.Opened.Directory, start.Opened.Manifest, start.Components, total, []), state);
            }, cancellationToken);

            await ConfirmAsync(request, verified, cancellationToken);
            var stores = prepared.OfType<IRestoringStore>().ToList();
            var safety = request.SafetyBackup ? await SafetyBackupAsync(start, cancellationToken) : null;
            var (swappedState, swapped) = await swap.SwapInAsync(stores, state, cancellationToken);
            if (!log.DryRun)
            {
                swap.Complete(swappedState);
            }

            var health = await finish.FinishAsync(swappedState, stores, swapped.Neo4jAnswer, start.Components, cancellationToken);
            // Given back before the records are read, so the step that does it is among them (a failure gives it back below).
            await (platform?.DisposeAsync() ?? ValueTask.CompletedTask);
            var outcomes = RestoreOutcomes.Order.Select(c => stores.FirstOrDefault(s => s.Component == c) is { } store
                ? new StoreOutcome(c, StoreState.Restored, store.Restored(verified.Name))
                : new StoreOutcome(c, StoreState.Untouched, "not part of this restore")).ToList();
            var timed = log.Timeline();
            return new RestoreResult(
                verified.Directory, safety, timed, outcomes, health?.Checks
                    ?? [], Stopwatch.GetElapsedTime(started), [.. start.Warnings, .. verified.Warnings],
                    swappedState with { Complete = true }, log.Records)
            { Trust = start.Opened.Trust, Neo4jDown = swapped.Neo4jDown };
        }
        finally
        {
            if (progress is not null)
            {
                foreach (var store in prepared.OfType<IRestoringStore>())
                {
                    await store.ReleaseAsync(progress.Current);
                }
            }

            if (platform is not null)
            {
                await platform.DisposeAsync();
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
            throw new UsageException($"Restore overwrites the live platform and there is no terminal to confirm on. Pass --yes to " +
                $"confirm restoring {verified.Name}.");
        }

        if (!await confirmation.ConfirmAsync(setup.Confirmation(verified, request.SafetyBackup), cancellationToken))
        {
            throw new UsageException("Restore not confirmed; nothing was changed.");
        }
    }

    /// <summary>
    /// A durable backup of the state about to be replaced, holding the restore's lock. Its Neo4j workbench has a name of
    /// its own: the restore's stays, idle, beside it.
    /// </summary>
    private Task<string?> SafetyBackupAsync(RestoreStart start, CancellationToken cancellationToken) =>
        steps.ComposeAsync<string?>("safety backup", async (_, token) =>
            (await backup.RunHoldingLockAsync(
                new BackupRequest(start.Components, StepRunner.DryRun, BackupKind.Safety), token)).Directory, cancellationToken);
}
