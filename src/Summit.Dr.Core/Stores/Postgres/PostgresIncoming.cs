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
public sealed class PostgresIncoming(DockerCli docker, ArtifactCopy copy, ILogger<PostgresIncoming> logger)
{
    public const string FileName = "summit-dr-incoming.dump";

    /// <summary>What a dry run shows for the owner it has not asked.</summary>
    private const string PlannedOwner = "<owner>";

    public static string PathIn(ContainerInfo container) => PostgresWorkbench.DataDirectoryOf(container) + "/" + FileName;

    public ProcessSpec OwnerSpec(ContainerInfo container) =>
        docker.Spec(DockerArgs.Exec(container.Name, ["stat", "-c", "%u:%g", PostgresWorkbench.DataDirectoryOf(container)]));

    public ProcessSpec CopySpec(IncomingDump dump) =>
        docker.Spec(DockerArgs.Exec(dump.Container, ["dd", "of=" + dump.Path, "bs=1048576"], interactive: true, user: dump.Owner));

    public ProcessSpec RemoveSpec(IncomingDump dump) => docker.Spec(DockerArgs.Exec(dump.Container, ["rm", "-f", dump.Path], user: dump.Owner));

    /// <summary>What <see cref="CopyAsync"/> runs.</summary>
    public StepPlan CopyPlan(ContainerInfo container, string artifact)
    {
        var planned = Planned(container);
        return StepPlan.Of(
            OwnerSpec(container),
            new PlannedCommand(RemoveSpec(planned)) { Note = "one a killed run left" },
            new PlannedCommand(CopySpec(planned)) { Note = $"< {artifact}, read once; its size and SHA-256 must be the manifest's before anything runs it" });
    }

    /// <summary>The copy a dry run plans with.</summary>
    public static IncomingDump Planned(ContainerInfo container) => new(container.Name, PlannedOwner, PathIn(container));

    /// <summary>Copies the backup's dump into <paramref name="container"/>'s data volume; refused (exit 4, the copy removed) unless it is the manifest's.</summary>
    public async Task<IncomingDump> CopyAsync(ContainerInfo container, OpenedBackup opened, RunningStep? step, CancellationToken cancellationToken)
    {
        var owner = await docker.RunAsync(OwnerSpec(container), cancellationToken);
        if (!owner.Succeeded || !owner.StandardOutput.Contains(':', StringComparison.Ordinal))
        {
            throw new OperationFailedException($"Cannot read the owner of {PostgresWorkbench.DataDirectoryOf(container)} in '{container.Name}': {owner.ErrorSummary}");
        }

        var dump = new IncomingDump(container.Name, owner.StandardOutput.Trim(), PathIn(container));
        await RequireAsync(RemoveSpec(dump), $"remove {dump.Path} in '{container.Name}'", cancellationToken);
        try
        {
            await copy.IntoAsync(opened, BackupComponent.Postgres, async (source, token) =>
                await RequireAsync(CopySpec(dump) with { StandardInput = source }, $"copy {BackupLayout.PostgresFile} into '{container.Name}'", token), step, cancellationToken);
        }
        catch
        {
            await RemoveAsync(dump);
            throw;
        }

        return dump;
    }

    /// <summary>Removes the copy on a deadline of its own (the run's token may be cancelled already); a failure is said, not thrown.</summary>
    public async Task RemoveAsync(IncomingDump dump)
    {
        using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await RequireAsync(RemoveSpec(dump), $"remove {dump.Path}", cleanup.Token);
        }
        catch (Exception ex) when (ex is SummitDrException or OperationCanceledException)
        {
            logger.LogWarning("Could not remove {Path} in {Container}: {Error}. The next restore replaces it", dump.Path, dump.Container, ex.Message);
        }
    }

    private async Task RequireAsync(ProcessSpec spec, string what, CancellationToken cancellationToken)
    {
        var result = await docker.RunAsync(spec, cancellationToken);
        if (!result.Succeeded)
        {
            throw DiskFull.IsIn(result.StandardError)
                ? new DiskFullException($"Could not {what}: PostgreSQL's volume is full ({result.ErrorSummary}). Nothing live was touched; free space there.")
                : new OperationFailedException($"Could not {what}: {result.ErrorSummary}");
        }
    }
}
