using Microsoft.Extensions.Logging;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Steps;

namespace Summit.Dr.Stores.Neo4j;

/// <summary>
/// One stop of the Neo4j container and the restart that undoes it (invariant 2), as the scripts that run them
/// and what they measured. <see cref="Neo4jStops"/> runs the restart whatever happened, before any error is
/// looked at.
/// </summary>
public sealed class Neo4jDowntime
{
    private readonly Neo4jQueries _neo4j;
    private readonly DockerCli _docker;
    private readonly StopJournal _journal;
    private readonly Neo4jTarget _target;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _stoppedAt;

    internal Neo4jDowntime(
        Neo4jQueries neo4j, DockerCli docker, StopJournal journal, Neo4jTarget target, TimeProvider time,
        ILogger logger)
    {
        _neo4j = neo4j;
        _docker = docker;
        _journal = journal;
        _target = target;
        _time = time;
        _logger = logger;
    }

    /// <summary>Stop to answering again; null until a restart succeeded.</summary>
    public TimeSpan? Duration { get; private set; }

    /// <summary>The node count Neo4j answered with when it came back; null when it could not be counted.</summary>
    public long? NodeCount { get; private set; }

    /// <summary>When the stop was issued.</summary>
    public DateTimeOffset? StoppedAt { get; private set; }

    /// <summary>When the start was issued (Neo4j answered <see cref="Duration"/> after <see cref="StoppedAt"/>).</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    /// <summary>
    /// Journals, then stops the container with the clean-shutdown timeout. The stop is not cancelled by the
    /// user's token: a half-finished stop followed by a start would race and could leave Neo4j down.
    /// </summary>
    public Script Stop()
    {
        var stop = _docker.Spec(DockerArgs.Stop(_target.Container.Name, _neo4j.StopTimeout));
        return Script.InProcess($"journal {_journal.FilePath}: the next summit-dr run starts Neo4j again if this one " +
            $"dies", () =>
            {
                _journal.Record(_target.Container.Name);
                _stoppedAt = _time.GetTimestamp();
                StoppedAt = _time.GetUtcNow();
                _logger.LogInformation("Stopping Neo4j container {Container} (clean shutdown, up to {Timeout} " +
                    "s)", _target.Container.Name, _neo4j.StopTimeout.TotalSeconds);
            })
            .Then(Script.Run(stop, $"`{stop.Display}` failed").Uninterrupted(_neo4j.StopTimeout + TimeSpan.FromSeconds(30)));
    }

    /// <summary>
    /// Starts the container again and waits until it answers, on its own deadline. A failure says that Neo4j was
    /// stopped and how to start it, so the caller can join it to the error that brought it here.
    /// </summary>
    public Script Restart() =>
        Script.Do(() =>
            {
                _logger.LogInformation("Starting Neo4j container {Container} and waiting until it answers", _target.Container.Name);
                StartedAt = _time.GetUtcNow();
            })
            .Then(_neo4j.Start(_target, nodes => NodeCount = nodes))
            .Then(Script.Do(() =>
            {
                Duration = _time.GetElapsedTime(_stoppedAt);
                _journal.Remove(_target.Container.Name);
                _logger.LogInformation("Neo4j is answering again; it was down for {Seconds:0.0} s", Duration.Value.TotalSeconds);
            }))
            .Uninterrupted(_neo4j.StartTimeout + TimeSpan.FromSeconds(30))
            .Failing(ex => ex is SummitDrException or OperationCanceledException
                ? new OperationFailedException(
                    $"Neo4j container '{_target.Container.Name}' was stopped for the dump and is not answering again: {ex.Message} " +
                    $"Start it with `{_docker.CommandName} start {_target.Container.Name}`; the next summit-dr run will also try.", ex)
                : ex);
}
