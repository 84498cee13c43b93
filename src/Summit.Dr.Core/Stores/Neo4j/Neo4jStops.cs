using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Steps;

namespace Summit.Dr.Stores.Neo4j;

/// <summary>Neo4j's downtime: it is stopped for some work and started again whatever happened (invariant 2).</summary>
public sealed class Neo4jStops(Neo4jQueries queries, DockerCli docker, StopJournal journal, TimeProvider time, ILogger<Neo4jStops> logger)
{
    /// <summary>
    /// Stops Neo4j if it runs, does <paramref name="work"/>, and starts it again whatever happened (failure,
    /// cancellation), waiting until it answers. When the work failed, <paramref name="bench"/> is removed
    /// first: a command still running in it would hold the store lock. The restart's own error is joined to
    /// the work's, never replaces it. A server that was stopped before is left stopped. Returns when Neo4j went
    /// down and came back.
    /// </summary>
    public async Task<Neo4jDowntime?> WhileStoppedAsync(Neo4jTarget target, string journalRoot, Func<Task> work, Neo4jWorkbench? bench = null)
    {
        var downtime = target.Container.Running ? new Neo4jDowntime(queries, docker, journal, target, journalRoot, time, logger) : null;
        Exception? failure = null;
        try
        {
            if (downtime is not null)
            {
                await downtime.StopAsync();
            }

            await work();
        }
        catch (Exception ex)
        {
            failure = ex;
            if (bench is not null)
            {
                await bench.DisposeAsync();
            }
        }

        var restartFailure = downtime is null ? null : await downtime.RestartAsync();
        if (restartFailure is not null)
        {
            throw failure is null
                ? restartFailure
                : new OperationFailedException($"{(failure is OperationCanceledException ? "Interrupted." : failure.Message)} {restartFailure.Message}", restartFailure);
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Capture(failure).Throw();
        }

        return downtime;
    }

    /// <summary>What <see cref="WhileStoppedAsync"/> runs around <paramref name="work"/>: the journal, the stop, the work, the start and the wait.</summary>
    public StepPlan Plan(Neo4jTarget target, string journalRoot, StepPlan work)
    {
        if (!target.Container.Running)
        {
            return work.With($"Neo4j container {target.Container.Name} is not running: the work runs offline and it stays stopped");
        }

        return StepPlan.Note($"journal {StopJournal.PathIn(journalRoot)}: the next summit-dr run starts Neo4j again if this one dies")
            .Then(docker.Spec(DockerArgs.Stop(target.Container.Name, queries.StopTimeout)))
            .Then(work)
            .Then(queries.StartPlan(target));
    }
}
