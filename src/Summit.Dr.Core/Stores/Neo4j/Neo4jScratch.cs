using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Progress;
using Summit.Dr.Steps;

namespace Summit.Dr.Stores.Neo4j;

/// <summary>
/// Neo4j down only for a copy or a rename: a scratch data directory in Neo4j's own volume, a snapshot of the
/// stopped store for a backup to dump from while Neo4j serves, or the staging store a restore loads while
/// Neo4j serves. Whether there is room is measured inside the container before anything is stopped; where
/// there is not, the dump or load runs in place as before (Neo4j:Snapshot=auto) or the run is refused (always),
/// never filling the platform's volume. The stop journal records every scratch directory before it is made,
/// so one left by a killed run is removed by the next run of any command.
/// </summary>
public sealed class Neo4jScratch(
    DockerCli docker, StopJournal journal, IOptions<SummitDrOptions> options, StepRunner steps, ILogger<Neo4jScratch> logger)
{
    private const long MiB = 1024 * 1024;

    /// <summary>What stays free in the volume after the scratch store is written: a tenth of it, at least this.</summary>
    private const long MinimumSpare = 64 * MiB;

    private Neo4jSnapshot Setting => options.Value.Neo4j.Snapshot;

    /// <summary>
    /// Chooses the path of a dump or load (<paramref name="kind"/>: snapshot or staging) for a running Neo4j: the
    /// scratch directory when the setting allows it and the volume has the room for <paramref name="needs"/> (given
    /// the live store's bytes, the bytes the scratch store will take) and some to spare. A read-only step, so a dry
    /// run shows the path and why.
    /// </summary>
    public async Task<Neo4jScratchChoice> ChooseAsync(
        Neo4jTarget target, string kind, string id, Func<long?, long?> needs, CancellationToken cancellationToken)
    {
        var live = Neo4jStoreLayout.Live(target.Database);
        var measure = DockerArgs.Exec(target.Container.Name, ["du", "-s", "-k", "-c", live.Store, live.Transactions]);
        var free = DockerArgs.Exec(target.Container.Name, ["df", "-P", "-k", "/data"]);
        var what = kind == Neo4jScratchKinds.Snapshot ? "dump" : "load";
        var chosen = await steps.AskAsync($"neo4j {kind} room", async (step, token) =>
        {
            var choice = await DecideAsync(target, kind, id, needs, measure, free, what, token);
            step.Report(detail: choice.Reason);
            if (choice.Directory is null && Setting == Neo4jSnapshot.Auto && target.Container.Running)
            {
                logger.LogWarning("{Reason}", choice.Reason);
            }

            return choice;
        }, cancellationToken);
        // The path and why, in its place in the plan a dry run prints.
        StepRunner.Note(chosen.Reason);
        return chosen;
    }

    private async Task<Neo4jScratchChoice> DecideAsync(
        Neo4jTarget target, string kind, string id, Func<long?, long?> needs, IReadOnlyList<string> measure, IReadOnlyList<string> free,
            string what, CancellationToken cancellationToken)
    {
        var inPlace = $"Neo4j is down for the whole {what}";
        if (Setting == Neo4jSnapshot.Never)
        {
            return new(null, null, $"{inPlace}: Neo4j:Snapshot is never");
        }

        if (!target.Container.Running)
        {
            return new(null, null, $"Neo4j container {target.Container.Name} is not running: the {what} runs in place and it stays " +
                $"stopped");
        }

        // Side by side: each is a process start in the container, and neither waits for the other.
        var measured = docker.RunAsync(docker.Spec(measure), cancellationToken);
        var freed = docker.RunAsync(docker.Spec(free), cancellationToken);
        await Task.WhenAll(measured, freed);
        var liveBytes = LastNumber((await measured).StandardOutput, column: 0) * 1024;
        var freeBytes = LastNumber((await freed).StandardOutput, column: 3) * 1024;
        var needed = needs(liveBytes);
        var spare = Math.Max((needed ?? 0) / 10, MinimumSpare);
        string? lacking = needed is null || freeBytes is null
            ? $"the room in Neo4j's volume could not be measured (df and du in {target.Container.Name})"
            : freeBytes < needed + spare
            ? $"its volume has {LoggingProgressReporter.FormatBytes(freeBytes.Value)} free, and the {kind} needs " +
                $"{LoggingProgressReporter.FormatBytes(needed.Value)} with {LoggingProgressReporter.FormatBytes(spare)} to spare"
            : null;
        if (lacking is not null)
        {
            return Setting == Neo4jSnapshot.Always
                ? throw new PreconditionException($"Neo4j:Snapshot is always, but {lacking}. Nothing was stopped. Free space in Neo4j's " +
                    $"volume, or set Neo4j:Snapshot=auto.")
                : new(null, liveBytes, $"{inPlace}: {lacking}. Free space in Neo4j's volume, or set Neo4j:Snapshot=never to keep the " +
                    $"{what} in place.");
        }

        var directory = Neo4jDataDirectory.For(kind, id, target.Database, target.Syntax);
        return new(directory, liveBytes, kind == Neo4jScratchKinds.Snapshot
            ? $"snapshot: Neo4j is down only to copy {LoggingProgressReporter.FormatBytes(needed!.Value)} to {directory.Path} " +
                $"({LoggingProgressReporter.FormatBytes(freeBytes!.Value)} free); the dump runs from the copy while it serves"
            : $"load-then-swap: the dump is loaded into {directory.Path} while Neo4j serves " +
                $"({LoggingProgressReporter.FormatBytes(freeBytes!.Value)} free, about " +
                    $"{LoggingProgressReporter.FormatBytes(needed!.Value)} needed); Neo4j is down only for the renames");
    }

    /// <summary>The running server's own container, as the store's owner: it reaches the volume without a container start.</summary>
    public INeo4jVolume Server(Neo4jTarget target) => new Neo4jServerVolume(docker, target);

    /// <summary>Records the directory in the stop journal, then makes it and the configuration that points neo4j-admin at it.</summary>
    public Script Create(Neo4jWorkbench bench, Neo4jDataDirectory directory) =>
        Script.InProcess($"journal {directory.Path} in {journal.FilePath}: the next run removes it if this one " +
            $"dies", () => journal.RecordScratch(bench.Target.Container.Name, directory.Path))
            .Then(Script.Run(
                bench.Exec(["mkdir", "-p", $"{directory.Path}/databases", $"{directory.Path}/transactions", directory.ConfigDirectory]),
                $"Could not make {directory.Path} in Neo4j's volume"))
            .Then(new RunCommand(bench.Exec(["tee", directory.ConfigFile], interactive: true), Judges.Require($"Could not write " +
                $"{directory.ConfigFile} in the workbench"))
            {
                Note = "< " + directory.Setting.Trim(),
                Through = async (spec, run, _) =>
                {
                    using var setting = new MemoryStream(Encoding.UTF8.GetBytes(directory.Setting));
                    await run(spec with { StandardInput = setting });
                },
            });

    /// <summary>Copies the stopped store and its transaction logs into the directory, side by side (instant on a copy-on-write
    /// filesystem).</summary>
    public static Script Copy(Neo4jWorkbench bench, Neo4jDataDirectory directory)
    {
        var (live, copy) = (Neo4jStoreLayout.Live(bench.Target.Database), directory.Layout);
        // A database that never wrote a transaction log has none to copy: `test -e` says whether that is why.
        Script Copy(string source, string destination) => Script.Of(new RunCommand(
            bench.Exec(["cp", "-a", "--reflink=auto", "-T", source, destination]),
            Judges.RequireUnlessMissing($"Could not copy {source} to {destination} in Neo4j's " +
                $"volume", bench.Exec(["test", "-e", source]))));
        return Script.SideBySide(Copy(live.Store, copy.Store), Copy(live.Transactions, copy.Transactions));
    }

    /// <summary>
    /// Removes the directory through the server's container (it shares the volume and outlives any workbench),
    /// whatever the run's token says, and drops it from the journal. A server that is not running keeps it
    /// in the journal: the next run removes it.
    /// </summary>
    public Script Remove(Neo4jTarget target, Neo4jDataDirectory directory) =>
        Script.Of(new RunCommand(docker.Spec(RemoveArgs(target.Container, directory.Path)), (result, _) =>
        {
            if (result.Succeeded)
            {
                journal.RemoveScratch(target.Container.Name, directory.Path);
            }
            else
            {
                logger.LogError("Could not remove {Path} from Neo4j's volume; the next summit-dr run removes it", directory.Path);
            }

            return Task.CompletedTask;
        })).Uninterrupted(TimeSpan.FromMinutes(10));

    /// <summary>Removes a scratch directory (never anything outside <see cref="Neo4jDataDirectory.Prefix"/>) through a running
    /// container.</summary>
    internal static async Task<bool> RemoveDirectoryAsync(
        DockerCli docker, ContainerInfo container, string path, CancellationToken cancellationToken)
    {
        // A container that is not running refuses the exec: the directory stays recorded for the next run.
        return IsScratch(path) && (await docker.RunAsync(docker.Spec(RemoveArgs(container, path)), cancellationToken)).Succeeded;
    }

    /// <summary>A journal is an input too: only a scratch directory of summit-dr's own naming is ever removed.</summary>
    public static bool IsScratch(string path) => StopJournalCheck.IsScratch(path);

    private static IReadOnlyList<string> RemoveArgs(ContainerInfo container, string path) =>
        Neo4jOneOffs.ExecArgs(container, container.Name, ["rm", "-rf", path]);

    private static long? LastNumber(string output, int column)
    {
        var fields = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Split(
            [' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return fields is not null && fields.Length > column
            && long.TryParse(fields[column], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}

/// <summary>Which path a dump or load takes, and why (one line, shown in the step table and the dry run).</summary>
public sealed record Neo4jScratchChoice(Neo4jDataDirectory? Directory, long? LiveBytes, string Reason);

/// <summary>The two uses of a scratch data directory.</summary>
public static class Neo4jScratchKinds
{
    public const string Snapshot = "snapshot";
    public const string Staging = "staging";
}
