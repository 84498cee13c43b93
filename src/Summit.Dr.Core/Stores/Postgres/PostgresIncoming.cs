using Microsoft.Extensions.Logging;
using Summit.Dr.Archive;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Steps;

namespace Summit.Dr.Stores.Postgres;

/// <summary>
/// Where pg_restore reads a dump from: a copy in the PostgreSQL container's own data volume (PGDATA/summit-dr-incoming.dump),
/// which no writer of the backup root can reach, made from one read of the artifact and hashed on the way
/// (<see cref="ArtifactCopy"/>). pg_restore runs only from that copy, and only once its size and SHA-256 matched,
/// so a dump swapped in the backup after its check never reaches it. Written, read and removed as the data
/// directory's owner, never as root; one left by a killed run is replaced by the next.
/// </summary>
public sealed class PostgresIncoming(DockerCli docker, ArtifactCopy copy, ScriptRunner scripts, ILogger<PostgresIncoming> logger)
{
    public const string FileName = "summit-dr-incoming.dump";

    public static string PathIn(ContainerInfo container) => PostgresWorkbench.DataDirectoryOf(container) + "/" + FileName;

    /// <summary>Who owns PostgreSQL's data directory (`uid:gid`), which the copy is written, read and removed as; a question.</summary>
    public async Task<string> OwnerAsync(ContainerInfo container, CancellationToken cancellationToken)
    {
        var owner = await docker.RunAsync(
            docker.Spec(DockerArgs.Exec(container.Name, ["stat", "-c", "%u:%g", PostgresWorkbench.DataDirectoryOf(container)])),
            cancellationToken);
        return owner.Succeeded && owner.StandardOutput.Contains(':', StringComparison.Ordinal)
            ? owner.StandardOutput.Trim()
            : throw new OperationFailedException($"Cannot read the owner of {PostgresWorkbench.DataDirectoryOf(container)} in " +
                $"'{container.Name}': {owner.ErrorSummary}");
    }

    /// <summary>Where the copy goes in <paramref name="container"/>, written as <paramref name="owner"/>.</summary>
    public static IncomingDump For(ContainerInfo container, string owner) => new(container.Name, owner, PathIn(container));

    /// <summary>
    /// Copies the backup's dump into the data volume (one a killed run left is replaced); refused (exit 4, the copy
    /// removed) unless it is the manifest's.
    /// </summary>
    public Script Copy(IncomingDump dump, OpenedBackup opened) =>
        Script.Of(new RunCommand(RemoveSpec(dump), Judging($"remove {dump.Path} in '{dump.Container}'")) { Note = "one a killed run left" })
            .Then(new RunCommand(CopySpec(dump), Judging($"copy {BackupLayout.PostgresFile} into '{dump.Container}'"))
            {
                Note = $"< {Path.Combine(opened.Directory, BackupLayout.PostgresFile)}, read once; its size and SHA-256 must be the " +
                    $"manifest's before anything runs it",
                Through = copy.Feeding(opened, BackupComponent.Postgres),
            })
            .Finally(Script.Empty, onFailure: Script.InProcess("remove the copy", _ => RemoveAsync(dump)));

    /// <summary>Removes the copy, on a deadline of its own (the run's token may be cancelled already).</summary>
    public Script Remove(IncomingDump dump) =>
        Script.Of(new RunCommand(RemoveSpec(dump), Judging($"remove {dump.Path}"))).Uninterrupted(TimeSpan.FromSeconds(60));

    /// <summary><see cref="Remove"/> outside any step; a failure is said, not thrown: the next restore replaces the copy.</summary>
    public async Task RemoveAsync(IncomingDump dump)
    {
        try
        {
            await scripts.RunAsync(Remove(dump), CancellationToken.None);
        }
        catch (Exception ex) when (ex is SummitDrException or OperationCanceledException)
        {
            logger.LogWarning("Could not remove {Path} in {Container}: {Error}. The next restore replaces " +
                "it", dump.Path, dump.Container, ex.Message);
        }
    }

    private ProcessSpec CopySpec(IncomingDump dump) =>
        docker.Spec(DockerArgs.Exec(dump.Container, ["dd", "of=" + dump.Path, "bs=1048576"], interactive: true, user: dump.Owner));

    private ProcessSpec RemoveSpec(IncomingDump dump) =>
        docker.Spec(DockerArgs.Exec(dump.Container, ["rm", "-f", dump.Path], user: dump.Owner));

    private static Func<ProcessResult, ScriptContext, Task> Judging(string what) => (result, _) =>
    {
        if (!result.Succeeded)
        {
            throw DiskFull.IsIn(result.StandardError)
                ? new DiskFullException($"Could not {what}: PostgreSQL's volume is full ({result.ErrorSummary}). Nothing live was " +
                    $"touched; free space there.")
                : new OperationFailedException($"Could not {what}: {result.ErrorSummary}");
        }

        return Task.CompletedTask;
    };
}
