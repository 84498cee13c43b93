using Microsoft.Extensions.Logging;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Model;
using Summit.Dr.Operations.Undo;
using Summit.Dr.Stores.Neo4j;

namespace Summit.Dr.Operations.Recovery;

/// <summary>
/// Runs before every command: a restore that died half way is put back (invariant 4), and a journal left by
/// a run that died while Neo4j was down means Neo4j is still down: start it again and wait until it answers,
/// then drop the journal (invariant 2); a snapshot or staging store it left in Neo4j's volume is removed. A damaged journal no longer says
/// what was stopped: the configured
/// Neo4j is started if it is down, and the journal is set aside for inspection.
/// </summary>
public sealed class JournalRecovery(
    StopJournal stopJournal, DockerCli docker, Neo4jQueries neo4j, Neo4jStoreMoves moves, StopJournalCheck check, UndoOperation undo,
        ILogger<JournalRecovery> logger)
{
    public async Task RecoverAsync(BackupRoot root, CancellationToken cancellationToken)
    {
        // A restore that died half way is put back first, while a Neo4j it stopped is still down.
        await undo.RecoverAsync(root, cancellationToken);
        var journal = stopJournal.For(root);
        if (journal.FindAbandoned() is not { } record)
        {
            return;
        }

        // The journal says which of the platform's own objects to act on, never what to do: anything else is refused.
        var configured = await check.Neo4jAsync(cancellationToken);
        if (!record.Damaged)
        {
            StopJournalCheck.RequireOwn(record, journal.FilePath, configured);
        }

        if (record.Damaged)
        {
            logger.LogWarning(
                "The stop journal {Path} is damaged, so what an earlier run stopped is unknown; starting Neo4j container {Container} if " +
                    "it is stopped",
                journal.FilePath, configured);
        }

        foreach (var name in record.Damaged ? [configured] : record.Containers)
        {
            var container = await docker.InspectAsync(name, cancellationToken);
            if (container is null || container.Running)
            {
                continue;
            }

            if (!record.Damaged)
            {
                logger.LogWarning(
                    "A summit-dr run (pid {Pid}, {StoppedAt:u}) stopped container {Container} and died before starting it again; " +
                        "starting it now",
                    record.Owner.Pid, record.StoppedAt, name);
            }

            if (name == configured)
            {
                await moves.RemoveLeftoverOneOffsAsync(name, record.Owner.Pid);
                await neo4j.StartAndWaitAsync(neo4j.Describe(container), cancellationToken);
            }
            else
            {
                await docker.StartAsync(name, cancellationToken);
            }
        }

        if (record.Damaged)
        {
            logger.LogWarning("The damaged stop journal is kept as {Path} for inspection", journal.SetAside());
            return;
        }

        var left = await RemoveScratchAsync(record, cancellationToken);
        journal.Keep(record with { Containers = [], Scratch = left });
        if (record.Containers.Count > 0)
        {
            logger.LogInformation("Recovered: every container the earlier run stopped is running again");
        }
    }

    /// <summary>A snapshot or staging store a killed run left in Neo4j's volume goes; one whose container does not run stays
    /// recorded.</summary>
    private async Task<List<StopJournalScratch>> RemoveScratchAsync(StopJournalRecord record, CancellationToken cancellationToken)
    {
        var left = new List<StopJournalScratch>();
        foreach (var scratch in record.Scratch)
        {
            if (await docker.InspectAsync(scratch.Container, cancellationToken) is not { } container)
            {
                logger.LogWarning("An earlier summit-dr run left {Path} in the volume of container {Container}, which no longer " +
                    "exists", scratch.Path, scratch.Container);
                continue;
            }

            // A dump or load the dead run left running in its workbench would go on reading or writing there.
            await moves.RemoveLeftoverOneOffsAsync(container.Name, record.Owner.Pid);
            if (await Neo4jScratch.RemoveDirectoryAsync(docker, container, scratch.Path, cancellationToken))
            {
                logger.LogWarning("An earlier summit-dr run (pid {Pid}) died and left {Path} in the volume of {Container}; removed " +
                    "it", record.Owner.Pid, scratch.Path, scratch.Container);
            }
            else
            {
                logger.LogWarning("An earlier summit-dr run left {Path} in the volume of {Container}, which is not running; the next run " +
                    "removes it", scratch.Path, scratch.Container);
                left.Add(scratch);
            }
        }

        return left;
    }
}
