using Summit.Dr.Archive;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Steps;


namespace Summit.Dr.Stores.Neo4j;

/// <summary>
/// Where neo4j-admin loads a dump from: a copy in Neo4j's own volume (`/data/summit-dr-scratch-incoming-ID/DATABASE.dump`),
/// which no writer of the backup root can reach, made from one read of the artifact through a container that shares the
/// volume and hashed on the way (<see cref="ArtifactCopy"/>). neo4j-admin reads only that copy, and only once its size and
/// SHA-256 matched. A restore records the directory in the stop journal before it is made, so one left by a killed run is
/// removed by the next run; a drill's lies in the drill's own volume and goes with it.
/// </summary>
public sealed class Neo4jIncoming(StopJournal journal, ArtifactCopy copy, ScriptRunner scripts)
{
    public const string Kind = "incoming";

    public static Neo4jDataDirectory DirectoryFor(Neo4jTarget target, string id) =>
        Neo4jDataDirectory.For(Kind, id, target.Database, target.Syntax);

    public static string FileIn(Neo4jDataDirectory directory) => $"{directory.Path}/{directory.Database}.dump";

    /// <summary>
    /// Copies the backup's dump into Neo4j's volume through <paramref name="volume"/> (the workbench, or the server's own
    /// container while it serves); refused (exit 4, the copy removed) unless it is the manifest's.
    /// <paramref name="journaled"/>: the stop journal records the directory (not for a drill's scratch volume, which goes
    /// with the drill).
    /// </summary>
    public Script Copy(INeo4jVolume volume, Neo4jDataDirectory directory, OpenedBackup opened, bool journaled)
    {
        var recorded = !journaled
            ? Script.Empty
            : Script.InProcess($"journal {directory.Path} in {journal.FilePath}: the next run removes it if this one " +
                $"dies", () => journal.RecordScratch(volume.Target.Container.Name, directory.Path));
        return recorded
            .Then(Script.Run(volume.Exec(["mkdir", "-p", directory.Path]), $"Could not make {directory.Path} in Neo4j's volume"))
            .Then(new RunCommand(volume.Exec(CopyCommand(directory), interactive: true), Judges.Require($"Could not copy " +
                $"{BackupLayout.Neo4jFile} into Neo4j's volume"))
            {
                Note = $"< {Path.Combine(opened.Directory, BackupLayout.Neo4jFile)}, read once; its size and SHA-256 must be the " +
                    $"manifest's before anything reads it",
                Through = copy.Feeding(opened, BackupComponent.Neo4j),
            })
            .Finally(Script.Empty, onFailure: Script.InProcess("remove the copy", _ => RemoveAsync(volume, directory, journaled)));
    }

    /// <summary>
    /// neo4j-admin reads the copy without loading it (5.x `load --info`) and hands its report to <paramref name="read"/>;
    /// an image without such a command (4.4) reads nothing.
    /// </summary>
    public static Script Info(Neo4jWorkbench bench, Neo4jDataDirectory directory, Action<string> read) =>
        Neo4jCommands.InfoFromPath(bench.Target.Database, bench.Target.Syntax, directory.Path) is { } command
            ? Script.Of(new RunCommand(bench.Exec(command), (result, _) =>
            {
                read(result.Succeeded ? result.StandardOutput.Trim() : throw new IntegrityException($"neo4j-admin cannot read " +
                    $"{BackupLayout.Neo4jFile}: {result.ErrorSummary}"));
                return Task.CompletedTask;
            }) { Note = "reads the copy's header" })
            : Script.Say("4.4 has no load --info: the dump is checked for bytes only");

    /// <summary>Loads the verified copy: over the stopped database, or into <paramref name="data"/> while Neo4j serves.</summary>
    public static Script Load(Neo4jWorkbench bench, Neo4jDataDirectory directory, Neo4jDataDirectory? data = null)
    {
        var load = Neo4jCommands.LoadFromPath(bench.Target.Database, bench.Target.Syntax, directory.Path);
        return Script.Run(bench.Exec(data?.Apply(load) ?? load), $"neo4j-admin load of database '{bench.Target.Database}' failed");
    }

    /// <summary>Removes the copy; where it cannot, the stop journal keeps it for the next run.</summary>
    public Script Remove(INeo4jVolume volume, Neo4jDataDirectory directory, bool journaled) =>
        Script.Of(new RunCommand(volume.Exec(["rm", "-rf", directory.Path]), (result, _) =>
        {
            if (result.Succeeded && journaled)
            {
                journal.RemoveScratch(volume.Target.Container.Name, directory.Path);
            }

            return Task.CompletedTask;
        })).Uninterrupted(TimeSpan.FromMinutes(2));

    /// <summary><see cref="Remove"/> outside any step, for a copy that failed; a failure leaves it to the journal.</summary>
    private async Task RemoveAsync(INeo4jVolume volume, Neo4jDataDirectory directory, bool journaled)
    {
        try
        {
            await scripts.RunAsync(Remove(volume, directory, journaled), CancellationToken.None);
        }
        catch (Exception ex) when (ex is SummitDrException or OperationCanceledException)
        {
            // Still recorded: the next run removes it.
        }
    }

    private static IReadOnlyList<string> CopyCommand(Neo4jDataDirectory directory) => ["dd", "of=" + FileIn(directory), "bs=1048576"];
}
