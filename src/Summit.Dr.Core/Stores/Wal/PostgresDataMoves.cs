using Microsoft.Extensions.Logging;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Postgres;

namespace Summit.Dr.Stores.Wal;

/// <summary>
/// Moves a stopped PostgreSQL's data directory into a volume of its own and back, in one-off containers of its
/// image that share its volumes (PGDATA is the root of the platform's volume, which cannot be renamed). The
/// staged WAL stays where it is. Stops and starts the container around what it puts back.
/// </summary>
public sealed class PostgresDataMoves(DockerCli docker, PostgresService postgres, TimeProvider time, ILogger<PostgresDataMoves> logger)
{
    public const string KeptMount = "/summit-dr-kept";
    public const string KeptLabel = "summit-dr.kept";

    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(300);

    public static string VolumeFor(string id) => $"summit-dr-kept-{id}-postgres";

    public ProcessSpec CreateVolumeSpec(KeptPostgresData kept, string id) =>
        docker.Spec(["volume", "create", "--label", $"{KeptLabel}={id}", "--label", $"{KeptLabel}.container={kept.Container}", kept.Volume]);

    public ProcessSpec RemoveVolumeSpec(string volume) => docker.Spec(["volume", "rm", "--force", volume]);

    public ProcessSpec StopSpec(string container) => docker.Spec(DockerArgs.Stop(container, StopTimeout));

    public ProcessSpec StartSpec(string container) => docker.Spec(DockerArgs.Start(container));

    /// <summary>Everything in PGDATA but the staged WAL goes into the kept volume (a copy across mounts, then deleted).</summary>
    public ProcessSpec MoveAsideSpec(KeptPostgresData kept) => OneOff(kept, "aside",
        ["find", kept.DataDirectory, "-mindepth", "1", "-maxdepth", "1", "!", "-name", PostgresWorkbench.Staging, "-exec", "mv", "{}", KeptMount + "/", ";"]);

    /// <summary>Empties PGDATA (what a restore laid there).</summary>
    public ProcessSpec ClearSpec(KeptPostgresData kept) => OneOff(kept, "clear",
        ["find", kept.DataDirectory, "-mindepth", "1", "-maxdepth", "1", "-exec", "rm", "-rf", "{}", ";"]);

    public ProcessSpec MoveBackSpec(KeptPostgresData kept) => OneOff(kept, "back",
        ["find", KeptMount, "-mindepth", "1", "-maxdepth", "1", "-exec", "mv", "{}", kept.DataDirectory + "/", ";"]);

    public ProcessSpec RemoveStagingSpec(KeptPostgresData kept) => OneOff(kept, "staging",
        ["rm", "-rf", kept.DataDirectory + "/" + PostgresWorkbench.Staging]);

    public async Task CreateVolumeAsync(KeptPostgresData kept, string id, CancellationToken cancellationToken) =>
        await RequireAsync(CreateVolumeSpec(kept, id), $"create the volume {kept.Volume}", cancellationToken);

    public Task StopAsync(string container, CancellationToken cancellationToken) =>
        RequireAsync(StopSpec(container), $"stop '{container}'", cancellationToken);

    public Task MoveAsideAsync(KeptPostgresData kept, CancellationToken cancellationToken) =>
        RequireAsync(MoveAsideSpec(kept), $"move {kept.DataDirectory} of '{kept.Container}' into the volume {kept.Volume}", cancellationToken);

    /// <summary>
    /// PostgreSQL as it was before the restore: stopped, its data directory moved back from the kept volume (or,
    /// when it never left, only the staged WAL removed), started and answering; the kept volume removed.
    /// </summary>
    public async Task PutBackAsync(KeptPostgresData kept, CancellationToken cancellationToken)
    {
        await RequireAsync(StopSpec(kept.Container), $"stop '{kept.Container}'", cancellationToken);
        if (kept.Moved)
        {
            await RequireAsync(ClearSpec(kept), $"empty {kept.DataDirectory} of '{kept.Container}'", cancellationToken);
            await RequireAsync(MoveBackSpec(kept), $"move {kept.DataDirectory} of '{kept.Container}' back from the volume {kept.Volume}", cancellationToken);
        }
        else
        {
            await RequireAsync(RemoveStagingSpec(kept), "remove the staged WAL", cancellationToken);
        }

        await StartAndWaitAsync(kept.Container, cancellationToken);
        await DiscardAsync(kept, cancellationToken);
    }

    /// <summary>Frees the kept data directory.</summary>
    public Task DiscardAsync(KeptPostgresData kept, CancellationToken cancellationToken) =>
        RequireAsync(RemoveVolumeSpec(kept.Volume), $"remove the volume {kept.Volume}", cancellationToken);

    /// <summary>Starts the container and waits until its final server accepts TCP connections on 127.0.0.1 inside it.</summary>
    public async Task StartAndWaitAsync(string container, CancellationToken cancellationToken)
    {
        await RequireAsync(StartSpec(container), $"start '{container}'", cancellationToken);
        ProcessResult? last = null;
        await Poll.UntilAsync(time, TimeSpan.FromMilliseconds(200), ReadyTimeout, async token =>
        {
            last = await docker.RunAsync(postgres.Exec(container, ["pg_isready", "-h", "127.0.0.1", "-U", postgres.User, "-d", postgres.Database]), token);
            return (last.Succeeded, true);
        }, () => new OperationFailedException($"PostgreSQL in '{container}' did not accept connections within {ReadyTimeout.TotalSeconds:0} s ({last?.ErrorSummary}): read `docker logs {container}`."), cancellationToken);
        logger.LogInformation("PostgreSQL in {Container} accepts connections", container);
    }

    private ProcessSpec OneOff(KeptPostgresData kept, string purpose, IReadOnlyList<string> command) => docker.Spec(
    [
        "run", "--rm", "--network", "none", "--name", $"summit-dr-pg{purpose}-{kept.Container}", "--volumes-from", kept.Container,
        "--mount", new VolumeMount(kept.Volume, KeptMount).Argument, kept.Image, .. command,
    ]);

    private async Task RequireAsync(ProcessSpec spec, string what, CancellationToken cancellationToken)
    {
        var result = await docker.RunAsync(spec, cancellationToken);
        if (!result.Succeeded)
        {
            throw new OperationFailedException($"Could not {what}: {result.ErrorSummary}");
        }
    }
}
