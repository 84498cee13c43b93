using Microsoft.Extensions.Logging;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Kept;
using Summit.Dr.Steps;

namespace Summit.Dr.Operations.Restore;

/// <summary>
/// The restore's second phase: the stores swapped in together once every one is ready (PostgreSQL's copy restored
/// before Neo4j stops, so nothing of the tool's competes with Neo4j's load for the cores), the state they replace kept
/// aside, not copied (invariant 4). Whichever store fails, every replaced one is put back: one loop for all.
/// </summary>
public sealed class RestoreSwap(KeptStateStore kept, StepRunner steps, ILogger<RestoreSwap> logger)
{
    /// <summary>Putting stores back runs after the user's token may be cancelled; it has its own generous deadline.</summary>
    private static readonly TimeSpan RollbackDeadline = TimeSpan.FromMinutes(30);

    private static readonly BackupComponent[] PutBackOrder = [BackupComponent.Neo4j, BackupComponent.Postgres, BackupComponent.Uploads];

    /// <summary>The kept state of a restore as it changes, saved to the backup root at every change.</summary>
    public SwapProgress Track(KeptState initial) => new(kept, initial);

    /// <summary>A restore that succeeded: its kept state is what `undo` puts back.</summary>
    public void Complete(KeptState state) => kept.Save(state with { Complete = true });

    /// <summary>Swaps every store in; returns the kept state and what the swaps measured.</summary>
    public async Task<(KeptState State, StoreSwapped Swapped)> SwapInAsync(
        IReadOnlyList<IRestoringStore> stores, SwapProgress state, CancellationToken cancellationToken)
    {
        if (!StepRunner.DryRun)
        {
            state.Save();
        }

        var measured = new StoreSwapped[stores.Count];
        try
        {
            await Task.WhenAll(stores.Select(s => s.ReadyAsync()));
            await steps.ConcurrentlyAsync(
                [.. stores.Select(
                    (store, i) => (Func<CancellationToken, Task>)(async token => measured[i] = await store.SwapInAsync(state, token)))],
                        cancellationToken);
        }
        catch (Exception failure)
        {
            foreach (var store in stores)
            {
                await Tasks.QuietlyAsync(store.ReadyAsync(), logger, "the preparation of " + RestoreOutcomes.Name(store.Component));
            }

            var described = RestoreOutcomes.Describe(await PutBackAsync(stores, state), state.Current);
            var reason = failure is OperationCanceledException ? "Restore interrupted." : $"Restore failed: " +
                $"{failure.Message.TrimEnd('.')}.";
            if (failure is OperationCanceledException)
            {
                logger.LogError("{Reason} {State}", reason, described);
                throw;
            }

            throw new OperationFailedException($"{reason} {described}", failure);
        }

        var swapped = measured.Aggregate(
            StoreSwapped.Nothing, (all, one) => new(all.Neo4jDown ?? one?.Neo4jDown, all.Neo4jAnswer ?? one?.Neo4jAnswer));
        return (state.Current, swapped);
    }

    /// <summary>
    /// Puts every replaced store back from what was kept, on its own deadline, and forgets this restore's kept state
    /// once nothing of it is left.
    /// </summary>
    private async Task<IReadOnlyList<StoreOutcome>> PutBackAsync(
        IReadOnlyList<IRestoringStore> stores, SwapProgress state)
    {
        using var deadline = new CancellationTokenSource(RollbackDeadline);
        var outcomes = new List<StoreOutcome>();
        // Neo4j first: inside a failed load it is down, and its store goes back before anything else waits on it.
        foreach (var store in stores.OrderBy(s => Array.IndexOf(PutBackOrder, s.Component)))
        {
            if (await store.PutBackAsync(state, deadline.Token) is { } outcome)
            {
                outcomes.Add(outcome);
            }
        }

        outcomes.Sort(
            (a, b) => Array.IndexOf(RestoreOutcomes.Order, a.Component).CompareTo(Array.IndexOf(RestoreOutcomes.Order, b.Component)));

        if (state.Current is { Postgres: null, Neo4j: null, Uploads: null, PostgresData: null })
        {
            kept.Remove(state.Current.Id);
        }

        return outcomes;
    }
}
