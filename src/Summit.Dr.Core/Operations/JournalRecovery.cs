using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Docker;
using Summit.Dr.Neo4j;

namespace Summit.Dr.Operations;

/// <summary>
/// Runs before every command: a restore that died half way is put back (invariant 4), and a journal left by
/// a run that died while Neo4j was down means Neo4j is still down: start it again and wait until it answers,
/// then drop the journal (invariant 2).
/// </summary>
public sealed class JournalRecovery
{
    private readonly StopJournal _journal;
    private readonly DockerCli _docker;
    private readonly Neo4jService _neo4j;
    private readonly Neo4jOptions _options;
    private readonly Undo.UndoOperation _undo;
    private readonly ILogger<JournalRecovery> _logger;

    public JournalRecovery(StopJournal journal, DockerCli docker, Neo4jService neo4j, IOptions<SummitDrOptions> options, Undo.UndoOperation undo, ILogger<JournalRecovery> logger)
    {
        _undo = undo;
        _journal = journal;
        _docker = docker;
        _neo4j = neo4j;
        _options = options.Value.Neo4j;
        _logger = logger;
    }

    public async Task RecoverAsync(string root, CancellationToken cancellationToken)
    {
        // A restore that died half way is put back first, while a Neo4j it stopped is still down.
        await _undo.RecoverAsync(root, cancellationToken);
        if (_journal.FindAbandoned(root) is not { } record)
        {
            return;
        }

        foreach (var name in record.Containers)
        {
            var container = await _docker.InspectAsync(name, cancellationToken);
            if (container is null || container.Running)
            {
                continue;
            }

            _logger.LogWarning(
                "A summit-dr run (pid {Pid}, {StoppedAt:u}) stopped container {Container} and died before starting it again; starting it now",
                record.Owner.Pid, record.StoppedAt, name);
            if (name == _options.Container)
            {
                await _neo4j.RemoveLeftoverOneOffsAsync(name);
                await _neo4j.StartAndWaitAsync(_neo4j.Describe(container), cancellationToken);
            }
            else
            {
                await _docker.StartAsync(name, cancellationToken);
            }
        }

        _journal.Clear(root);
        _logger.LogInformation("Recovered: every container the earlier run stopped is running again");
    }
}
