using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Kept;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Neo4j;

namespace Summit.Dr.Operations.Restore;

/// <summary>
/// The restore's second phase: the stores swapped in together, the state they replace kept aside, not copied
/// (invariant 4): the uploads by rename at once, PostgreSQL by renaming databases as soon as its restored copy
/// is ready, Neo4j then with one stop and one start (its store moved aside, the dump loaded alone, started,
/// its node count checked). Whichever store fails, every replaced one is put back.
/// </summary>
public sealed class RestoreSwap(
    Neo4jIncoming incoming, Neo4jStops stops, KeptStores kept, KeptNeo4jStore keptNeo4j, StepRunner steps, ILogger<RestoreSwap> logger)
{
    /// <summary>Putting stores back runs after the user's token may be cancelled; it has its own generous deadline.</summary>
    private static readonly TimeSpan RollbackDeadline = TimeSpan.FromMinutes(30);

    public async Task<KeptState> SwapInAsync(PreparedRestore prepared, VerifiedBackup verified, RestoreTargets targets, string root, CancellationToken cancellationToken)
    {
        var state = new SwapProgress(root, prepared.State);
        if (!StepRunner.DryRun)
        {
            state.Save();
        }

        IReadOnlyList<StoreOutcome> putBackEarly = [];
        try
        {
            await steps.ConcurrentlyAsync(
                cancellationToken,
                token => state.Current.Uploads is { } up
                    ? steps.RunAsync("restore uploads", (_, _) =>
                    {
                        var mode = prepared.Staged!.SwapIn(up.Kept);
                        state.Update(s => s with { Uploads = up with { Existed = mode is not null, Swapped = true, Mode = mode } });
                        return Task.CompletedTask;
                    }, token, () => StepPlan.Note($"in process: rename {up.Path} -> {up.Kept}, then the extracted tree -> {up.Path}"))
                    : Task.CompletedTask,
                token => state.Current.Postgres is { } pg
                    ? steps.RunAsync("restore postgres", async (_, t) =>
                    {
                        await prepared.Incoming!;
                        var swapped = await kept.SwapPostgresInAsync(pg, t);
                        prepared.IncomingSwapped = true;
                        state.Update(s => s with { Postgres = swapped });
                    }, token, () => kept.SwapPostgresInPlan(pg))
                    : state.Current.PostgresData is not null
                    ? steps.RunAsync($"restore postgres to {prepared.Plan!.Target.ToLocalTime():yyyy-MM-dd HH:mm:ss}", (_, t) => kept.SwapPostgresToPointAsync(prepared.Pitr!, state, t), token, options: new StepOptions { Composite = true })
                    : Task.CompletedTask,
                async token =>
                {
                    if (state.Current.Neo4j is not { } graph)
                    {
                        return;
                    }

                    // While Neo4j is down its load comes first: the PostgreSQL copy is restored before the stop,
                    // while Neo4j still serves, so nothing of the tool's competes with the load for the cores.
                    if (prepared.Incoming is { } restoring)
                    {
                        await restoring;
                    }

                    await steps.RunAsync("restore neo4j", async (step, t) =>
                    {
                        var bench = prepared.Bench!;
                        Neo4jOffline? work = null;
                        var downtime = await stops.WhileStoppedAsync(targets.Neo4j!, root, async () =>
                        {
                            try
                            {
                                await kept.MoveNeo4jAsideAsync(bench, graph, t);
                                state.Update(s => s with { Neo4j = graph with { Moved = true } });
                                var started = Stopwatch.GetTimestamp();
                                if (prepared.Staging is { } staging)
                                {
                                    // Load-then-swap: the store loaded while Neo4j served is renamed into place.
                                    await kept.SwapStagedNeo4jInAsync(bench, staging, t);
                                }
                                else
                                {
                                    await incoming.LoadAsync(bench, prepared.Neo4jDump!, t);
                                }

                                work = new Neo4jOffline(prepared.Staging is null ? "load" : "rename", Stopwatch.GetElapsedTime(started).TotalSeconds);
                            }
                            catch
                            {
                                // A load still running in the container would hold the store lock: the container goes
                                // first. The old store is put back before Neo4j starts again, never an empty one.
                                await bench.DisposeAsync();
                                prepared.Bench = null;
                                if (state.Current.Neo4j is { Moved: true })
                                {
                                    putBackEarly = await PutBackAsync(state, root, only: BackupComponent.Neo4j);
                                }

                                throw;
                            }
                        }, bench);
                        if (downtime?.Duration is { } down && work is not null)
                        {
                            prepared.Neo4jDown = (down.TotalSeconds, work);
                            step.Report(detail: $"Neo4j down {down.TotalSeconds:0.0} s, of which the {(work.Work == "rename" ? "renames" : "load")} {work.Seconds:0.0} s");
                        }

                        if (downtime?.NodeCount is { } nodes)
                        {
                            prepared.Neo4jAnswer = (targets.Neo4j!.Container.Name, nodes);
                        }

                        CheckNodes(downtime, verified);
                    }, token, () => stops.Plan(targets.Neo4j!, root, kept.MoveNeo4jAsidePlan(prepared.Bench!, graph).Then(prepared.Staging is { } staging
                        ? kept.SwapStagedNeo4jInPlan(prepared.Bench!, staging)
                        : StepPlan.Of(incoming.LoadSpec(prepared.Bench!, prepared.Neo4jDump!)))));
                });
        }
        catch (Exception failure)
        {
            await Tasks.QuietlyAsync(prepared.Incoming, logger, "the restore into a database of its own");
            var outcomes = (await PutBackAsync(state, root)).Concat(putBackEarly).OrderBy(o => Array.IndexOf(RestoreOutcomes.Order, o.Component)).ToList();
            var described = RestoreOutcomes.Describe(outcomes, state.Current);
            var reason = failure is OperationCanceledException ? "Restore interrupted." : $"Restore failed: {failure.Message.TrimEnd('.')}.";
            if (failure is OperationCanceledException)
            {
                logger.LogError("{Reason} {State}", reason, described);
                throw;
            }

            throw new OperationFailedException($"{reason} {described}", failure);
        }

        return state.Current;
    }

    /// <summary>The node count Neo4j answered with when it came back must be the manifest's (when both are known).</summary>
    private static void CheckNodes(Neo4jDowntime? downtime, VerifiedBackup verified)
    {
        if (downtime?.Duration is not null && verified.Manifest?.Neo4j.NodeCount is { } expected && downtime.NodeCount != expected)
        {
            throw new OperationFailedException($"Neo4j has {downtime.NodeCount?.ToString(CultureInfo.InvariantCulture) ?? "an unknown number of"} nodes after the restore, the backup recorded {expected}.");
        }
    }

    /// <summary>
    /// Puts every replaced store back from what was kept, on its own deadline, and forgets this restore's kept
    /// state once nothing of it is left.
    /// </summary>
    private async Task<IReadOnlyList<StoreOutcome>> PutBackAsync(SwapProgress state, string root, BackupComponent? only = null)
    {
        using var deadline = new CancellationTokenSource(RollbackDeadline);
        var outcomes = new List<StoreOutcome>();
        var current = state.Current;
        if (current.Neo4j is { } graph && only is null or BackupComponent.Neo4j)
        {
            // Inside the failed load Neo4j is down, and the store goes back before it starts again; otherwise
            // Neo4j is stopped for it. Either way the container says which.
            outcomes.Add(await PutBackStoreAsync(
                BackupComponent.Neo4j, graph.Moved, () => keptNeo4j.PutBackAsync(graph, current.Id, root, deadline.Token), () => state.Update(s => s with { Neo4j = null })));
        }

        if (current.Postgres is { } pg && only is null or BackupComponent.Postgres)
        {
            outcomes.Add(await PutBackStoreAsync(
                BackupComponent.Postgres, pg.Swapped, () => kept.PutPostgresBackAsync(pg, current.Id, deadline.Token), () => state.Update(s => s with { Postgres = null })));
        }

        if (current.PostgresData is { } data && only is null or BackupComponent.Postgres)
        {
            // Whatever step it failed at (the server stopped, its data half laid, recovery failed), it is put back and started.
            outcomes.Add(await PutBackStoreAsync(
                BackupComponent.Postgres, data.Touched, () => kept.PutPostgresDataBackAsync(data, deadline.Token), () => state.Update(s => s with { PostgresData = null })));
        }

        if (current.Uploads is { } up && only is null or BackupComponent.Uploads)
        {
            outcomes.Add(await PutBackStoreAsync(BackupComponent.Uploads, up.Swapped, () =>
            {
                kept.PutUploadsBack(up, current.Id);
                return Task.CompletedTask;
            }, () => state.Update(s => s with { Uploads = null })));
        }

        if (state.Current is { Postgres: null, Neo4j: null, Uploads: null, PostgresData: null })
        {
            KeptStateStore.Remove(root, current.Id);
        }

        return outcomes.Where(o => o.State != StoreState.Untouched).ToList();
    }

    private async Task<StoreOutcome> PutBackStoreAsync(BackupComponent component, bool replaced, Func<Task> putBack, Action forget)
    {
        if (!replaced)
        {
            forget();
            return new StoreOutcome(component, StoreState.Untouched, "not replaced yet");
        }

        try
        {
            logger.LogWarning("Putting {Component} back as it was before the restore", RestoreOutcomes.Name(component));
            await putBack();
            forget();
            return new StoreOutcome(component, StoreState.RolledBack, "put back from the state kept aside");
        }
        catch (Exception ex)
        {
            return new StoreOutcome(component, StoreState.RollbackFailed, ex.Message);
        }
    }
}
