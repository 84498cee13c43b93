using Microsoft.Extensions.Logging;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Steps;

namespace Summit.Dr.Stores.Neo4j;

/// <summary>Neo4j's downtime: it is stopped for some work and started again whatever happened (invariant 2).</summary>
public sealed class Neo4jStops(
    Neo4jQueries queries, DockerCli docker, StopJournal journal, ScriptRunner scripts, TimeProvider time, ILogger<Neo4jStops> logger)
{
    /// <summary>
    /// Stops Neo4j if it runs, does <paramref name="work"/>, and starts it again whatever happened (failure,
    /// cancellation), waiting until it answers. When the work failed, <paramref name="bench"/> is removed
    /// first: a command still running in it would hold the store lock. The restart's own error is joined to
    /// the work's, never replaces it. A server that was stopped before is left stopped. Hands over when Neo4j
    /// went down and came back (null when it was not running).
    /// </summary>
    public Script WhileStopped(Neo4jTarget target, Script work, Neo4jWorkbench? bench, Action<Neo4jDowntime?> ended)
    {
        if (!target.Container.Running)
        {
            return Script.Say($"Neo4j container {target.Container.Name} is not running: the work runs offline and it stays stopped")
                .Then(work)
                .Then(Script.Do(() => ended(null)));
        }

        var downtime = new Neo4jDowntime(queries, docker, journal, target, time, logger);
        return downtime.Stop()
            .Then(work)
            .Finally(
                downtime.Restart().Then(Script.Do(() => ended(downtime))),
                onFailure: bench is null ? null : Script.InProcess("remove the workbench", async _ => await bench.DisposeAsync()),
                join: (failure, restart) =>
                    new OperationFailedException($"{(failure is OperationCanceledException ? "Interrupted." : failure.Message)} " +
                        $"{restart.Message}", restart));
    }

    /// <summary><see cref="WhileStopped"/> outside any step (putting a store back in undo or a rollback).</summary>
    public Task WhileStoppedAsync(
        Neo4jTarget target, Script work, Neo4jWorkbench? bench, CancellationToken cancellationToken) =>
        scripts.RunAsync(WhileStopped(target, work, bench, _ => { }), cancellationToken);
}
