using Microsoft.Extensions.Logging;
using Summit.Dr.Archive.Catalog;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Kept;
using Summit.Dr.Operations.Verify;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Neo4j;

namespace Summit.Dr.Operations.Restore;

/// <summary>
/// The restore's last phase: the runbook's checks, and the state kept by the restore before this one freed now
/// that this one has succeeded; then what the restore is reported as.
/// </summary>
public sealed class RestoreFinish(PlatformHealth health, KeptStores kept, BackupCatalog catalog, StepRunner steps, ILogger<RestoreFinish> logger)
{
    public void Warn(IEnumerable<string> warnings)
    {
        foreach (var warning in warnings)
        {
            logger.LogWarning("{Warning}", warning);
        }
    }

    /// <summary>Saves this restore's kept state as complete, frees the one before it, and runs the runbook's checks.</summary>
    public async Task<HealthReport?> FinishAsync(KeptState outcome, PreparedRestore prepared, IReadOnlySet<BackupComponent> components, CancellationToken cancellationToken)
    {
        var root = catalog.Root;
        var previous = KeptStateStore.Read(root).Where(s => s.Id != outcome.Id).ToList();
        HealthReport? report = null;
        await steps.RunAsync("post-restore checks", async (_, token) =>
        {
            await steps.ConcurrentlyAsync(
                token,
                async t => report = await steps.RunAsync(
                    "runbook checks",
                    (_, t2) => health.CheckAsync(components, t2, prepared.Neo4jAnswer),
                    t,
                    () => health.Plan(components, neo4jAnswered: components.Contains(BackupComponent.Neo4j))),
                t => previous.Count == 0 ? Task.CompletedTask : steps.RunAsync(
                    "free the state kept before",
                    (_, t2) => DiscardAsync(previous, prepared, t2),
                    t,
                    () => previous.Aggregate(StepPlan.Note("this restore succeeded: the state kept by the one before goes"), (plan, state) => plan.Then(kept.DiscardPlan(state, state.Neo4j is { } graph ? Bench(prepared, graph) : null)))));
            if (prepared.Bench is { } bench)
            {
                await steps.RunAsync("remove workbench", async (_, _) => await prepared.ReleaseBenchAsync(), CancellationToken.None, () => StepPlan.Of(bench.RemovePlan()));
            }

            if (prepared.Pitr is { } pitr)
            {
                await steps.RunAsync("remove postgres workbench", async (_, _) => await pitr.Bench.DisposeAsync(), CancellationToken.None, pitr.Bench.RemovePlan);
            }
        }, cancellationToken, options: new StepOptions { Composite = true });
        foreach (var check in report?.Checks.Where(c => !c.Passed) ?? [])
        {
            logger.LogError("Post-restore check failed: {Check}: {Detail}", check.Name, check.Detail);
        }

        return report;
    }

    /// <summary>The workbench of this restore serves to remove a store kept in the same container's volume.</summary>
    private static Neo4jWorkbench? Bench(PreparedRestore prepared, KeptNeo4j graph) =>
        prepared.Bench is { } bench && graph.Container == bench.Target.Container.Name ? bench : null;

    /// <summary>Frees what earlier restores kept, store by store; a failure leaves the kept state for `undo --discard` and says so.</summary>
    private async Task DiscardAsync(IReadOnlyList<KeptState> previous, PreparedRestore prepared, CancellationToken cancellationToken)
    {
        foreach (var state in previous)
        {
            try
            {
                if (state.Postgres is { } pg)
                {
                    await kept.DiscardPostgresAsync(pg, cancellationToken);
                }

                if (state.PostgresData is { } data)
                {
                    await kept.DiscardPostgresDataAsync(data, cancellationToken);
                }

                if (state.Neo4j is { } graph && Bench(prepared, graph) is { } bench)
                {
                    await kept.DiscardNeo4jAsync(bench, graph, cancellationToken);
                }

                if (state.Uploads is { } up)
                {
                    kept.DiscardUploads(up);
                }

                KeptStateStore.Remove(catalog.Root, state.Id);
            }
            catch (SummitDrException ex)
            {
                logger.LogWarning("The state kept by the restore of {Id} is still there: {Error}. Free it with `summit-dr undo --discard`", state.Id, ex.Message);
            }
        }
    }
}
