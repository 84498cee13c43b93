using Microsoft.Extensions.Logging;
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
public sealed class RestoreFinish(
    PlatformHealth health, KeptStores kept, KeptStateStore states, StepRunner steps, ILogger<RestoreFinish> logger)
{
    public void Warn(IEnumerable<string> warnings)
    {
        foreach (var warning in warnings)
        {
            logger.LogWarning("{Warning}", warning);
        }
    }

    /// <summary>
    /// Side by side: the runbook's checks, each store's clean-up after its swap (the staging directory), and the state kept
    /// by the restores before this one freed now that this one succeeded (a kept Neo4j store through this restore's
    /// workbench, when it is in the same container); then each store closes (its workbench goes). A state that cannot be
    /// freed stays for `undo --discard`, and the run says so.
    /// </summary>
    public async Task<HealthReport?> FinishAsync(
        KeptState outcome, IReadOnlyList<IRestoringStore> stores, (string Container, long Nodes)? neo4jAnswer,
            IReadOnlySet<BackupComponent> components, CancellationToken cancellationToken)
    {
        var previous = states.Read().Where(s => s.Id != outcome.Id).ToList();
        var bench = stores.Select(s => s.Neo4jBench).OfType<Neo4jWorkbench>().FirstOrDefault();
        HealthReport? report = null;
        await steps.ComposeAsync("post-restore checks", async token =>
        {
            await steps.ConcurrentlyAsync(
                [
                    t => steps.RunAsync("runbook checks", () => health.Check(components, neo4jAnswer, r => report = r), t),
                    async _ =>
                    {
                        foreach (var store in stores)
                        {
                            await store.FinishAsync();
                        }
                    },
                    t => previous.Count == 0 ? Task.CompletedTask : steps.RunAsync(
                        "free the state kept before",
                        () => previous.Aggregate(Script.Say("this restore succeeded: the state kept by the one before " +
                            "goes"), (script, state) => script.Then(Freed(state, bench))),
                        t),
                ],
                token);
            foreach (var store in stores)
            {
                await store.CloseAsync();
            }
        }, cancellationToken);
        foreach (var check in report?.Checks.Where(c => !c.Passed) ?? [])
        {
            logger.LogError("Post-restore check failed: {Check}: {Detail}", check.Name, check.Detail);
        }

        return report;
    }

    /// <summary>One earlier restore's kept state freed and forgotten; a failure leaves it for `undo --discard` and says so.</summary>
    private Script Freed(KeptState state, Neo4jWorkbench? bench) =>
        kept.Discard(state, state.Neo4j is { } graph && bench is not null && graph.Container == bench.Target.Container.Name ? bench : null)
            .Then(Script.Do(() => states.Remove(state.Id)))
            .Tolerating(ex =>
            {
                logger.LogWarning("The state kept by the restore of {Id} is still there: {Error}. Free it with `summit-dr undo " +
                    "--discard`", state.Id, ex.Message);
                return ex is SummitDrException;
            });
}
