using Summit.Dr.Archive;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Steps;


namespace Summit.Dr.Stores.Neo4j;

/// <summary>
/// Where neo4j-admin loads a dump from: a copy in Neo4j's own volume (`/data/summit-dr-scratch-incoming-ID/DATABASE.dump`),
/// which no writer of the backup root can reach, made from one read of the artifact through the workbench and hashed on
/// the way (<see cref="ArtifactCopy"/>). neo4j-admin reads only that copy, and only once its size and SHA-256 matched.
/// A restore records the directory in the stop journal before it is made, so one left by a killed run is removed by the
/// next run; a drill's lies in the drill's own volume and goes with it.
/// </summary>
public sealed class Neo4jIncoming(DockerCli docker, StopJournal journal, ArtifactCopy copy)
{
    public const string Kind = "incoming";

    public static Neo4jDataDirectory DirectoryFor(Neo4jTarget target, string id) => Neo4jDataDirectory.For(Kind, id, target.Database, target.Syntax);

    public static string FileIn(Neo4jDataDirectory directory) => $"{directory.Path}/{directory.Database}.dump";

    /// <summary>What <see cref="CopyAsync"/> runs.</summary>
    public StepPlan CopyPlan(Neo4jWorkbench bench, Neo4jDataDirectory directory, string artifact) => StepPlan.Of(
        docker.Spec(bench.ExecArgs(["mkdir", "-p", directory.Path])),
        new PlannedCommand(docker.Spec(bench.ExecArgs(CopyCommand(directory), interactive: true))) { Note = $"< {artifact}, read once; its size and SHA-256 must be the manifest's before anything reads it" });

    /// <summary>
    /// Copies the backup's dump into Neo4j's volume through <paramref name="bench"/>; refused (exit 4, the copy removed)
    /// unless it is the manifest's. <paramref name="root"/>: the backup root whose stop journal records the directory
    /// (null for a drill's scratch volume).
    /// </summary>
    public async Task CopyAsync(Neo4jWorkbench bench, Neo4jDataDirectory directory, OpenedBackup opened, string? root, RunningStep? step, CancellationToken cancellationToken)
    {
        if (root is not null)
        {
            journal.RecordScratch(root, bench.Target.Container.Name, directory.Path);
        }

        try
        {
            Neo4jDumps.Require(await bench.ExecAsync(["mkdir", "-p", directory.Path], cancellationToken), $"Could not make {directory.Path} in Neo4j's volume");
            await copy.IntoAsync(opened, BackupComponent.Neo4j, async (source, token) =>
                Neo4jDumps.Require(await bench.ExecAsync(CopyCommand(directory), token, input: source), $"Could not copy {BackupLayout.Neo4jFile} into Neo4j's volume"), step, cancellationToken);
        }
        catch
        {
            await RemoveAsync(bench, directory, root);
            throw;
        }
    }

    /// <summary>The `load --info` that reads the copy's header, or none where the image has no such command (4.4).</summary>
    public StepPlan InfoPlan(Neo4jWorkbench bench, Neo4jDataDirectory directory) =>
        Neo4jCommands.InfoFromPath(bench.Target.Database, bench.Target.Syntax, directory.Path) is { } command
            ? StepPlan.Of(new PlannedCommand(docker.Spec(bench.ExecArgs(command))) { Note = "reads the copy's header" })
            : StepPlan.Note("4.4 has no load --info: the dump is checked for bytes only");

    /// <summary>neo4j-admin reads the copy without loading it (5.x `load --info`); null where the image has no such command (4.4).</summary>
    public async Task<string?> ReadInfoAsync(Neo4jWorkbench bench, Neo4jDataDirectory directory, CancellationToken cancellationToken)
    {
        if (Neo4jCommands.InfoFromPath(bench.Target.Database, bench.Target.Syntax, directory.Path) is not { } command)
        {
            return null;
        }

        var result = await bench.ExecAsync(command, cancellationToken);
        return result.Succeeded
            ? result.StandardOutput.Trim()
            : throw new IntegrityException($"neo4j-admin cannot read {BackupLayout.Neo4jFile}: {result.ErrorSummary}");
    }

    /// <summary>The load of the copy, into the store at /data or into the scratch data directory <paramref name="data"/>.</summary>
    public ProcessSpec LoadSpec(Neo4jWorkbench bench, Neo4jDataDirectory directory, Neo4jDataDirectory? data = null)
    {
        var load = Neo4jCommands.LoadFromPath(bench.Target.Database, bench.Target.Syntax, directory.Path);
        return docker.Spec(bench.ExecArgs(data?.Apply(load) ?? load));
    }

    /// <summary>Loads the verified copy: over the stopped database, or into <paramref name="data"/> while Neo4j serves.</summary>
    public async Task LoadAsync(Neo4jWorkbench bench, Neo4jDataDirectory directory, CancellationToken cancellationToken, Neo4jDataDirectory? data = null)
    {
        var load = Neo4jCommands.LoadFromPath(bench.Target.Database, bench.Target.Syntax, directory.Path);
        Neo4jDumps.Require(await bench.ExecAsync(data?.Apply(load) ?? load, cancellationToken), $"neo4j-admin load of database '{bench.Target.Database}' failed");
    }

    /// <summary>What <see cref="RemoveAsync"/> runs.</summary>
    public ProcessSpec RemoveSpec(Neo4jWorkbench bench, Neo4jDataDirectory directory) => docker.Spec(bench.ExecArgs(["rm", "-rf", directory.Path]));

    /// <summary>Removes the copy on a deadline of its own; where it cannot, the stop journal keeps it for the next run.</summary>
    public async Task RemoveAsync(Neo4jWorkbench bench, Neo4jDataDirectory directory, string? root)
    {
        using var cleanup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            var removed = await docker.RunAsync(RemoveSpec(bench, directory), cleanup.Token);
            if (removed.Succeeded && root is not null)
            {
                journal.RemoveScratch(root, bench.Target.Container.Name, directory.Path);
            }
        }
        catch (Exception ex) when (ex is SummitDrException or OperationCanceledException)
        {
            // Still recorded: the next run removes it.
        }
    }

    private static IReadOnlyList<string> CopyCommand(Neo4jDataDirectory directory) => ["dd", "of=" + FileIn(directory), "bs=1048576"];
}
