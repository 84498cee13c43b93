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
public sealed class PostgresDataMoves(DockerCli docker, PostgresService postgres, ILogger<PostgresDataMoves> logger)
{
    public const string KeptMount = "/summit-dr-kept";
    public const string KeptLabel = "summit-dr.kept";

    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(300);

    /// <summary>How long moving a data directory between volumes (a copy when they are different file systems) may take.</summary>
    public static readonly TimeSpan MoveTimeout = TimeSpan.FromMinutes(60);

    public static string VolumeFor(string id) => $"summit-dr-kept-{id}-postgres";

    /// <summary>
    /// PostgreSQL stopped and its data directory (but the staged WAL) moved into a volume of its own, made here,
    /// kept for `summit-dr undo`.
    /// </summary>
    public Script MoveAside(KeptPostgresData kept, string id) =>
        Script.Say($"{kept.DataDirectory} (but the staged WAL) into the volume {kept.Volume}, kept for `summit-dr undo`")
            .Then(Required(
                docker.Spec(["volume", "create", "--label", $"{KeptLabel}={id}", "--label", $"{KeptLabel}.container={kept.Container}",
                    kept.Volume]), $"create the volume {kept.Volume}"))
            .Then(Required(docker.Spec(DockerArgs.Stop(kept.Container, StopTimeout)), $"stop '{kept.Container}'"))
            .Then(Required(OneOff(kept, "aside",
                ["find", kept.DataDirectory, "-mindepth", "1", "-maxdepth", "1", "!", "-name", PostgresWorkbench.Staging, "-exec", "mv",
                    "{}", KeptMount + "/", ";"]),
                $"move {kept.DataDirectory} of '{kept.Container}' into the volume {kept.Volume}"));

    /// <summary>
    /// PostgreSQL as it was before the restore: stopped, its data directory moved back from the kept volume (or,
    /// when it never left, only the staged WAL removed), started and answering; the kept volume removed.
    /// </summary>
    public Script PutBack(KeptPostgresData kept) =>
        Required(docker.Spec(DockerArgs.Stop(kept.Container, StopTimeout)), $"stop '{kept.Container}'")
            .Then(kept.Moved
                ? Required(OneOff(
                    kept, "clear", ["find", kept.DataDirectory, "-mindepth", "1", "-maxdepth", "1", "-exec", "rm", "-rf", "{}", ";"]),
                        $"empty {kept.DataDirectory} of '{kept.Container}'")
                    .Then(MoveBack(kept))
                // A move aside an interrupt cut short left some entries in the kept volume and the rest in place: those come back
                // (no name is in both), nothing in place is removed.
                : MoveBack(kept).Then(Required(OneOff(kept, "staging", ["rm", "-rf", kept.DataDirectory + "/" + PostgresWorkbench.Staging]),
                    "remove the staged WAL")))
            .Then(StartAndWait(kept.Container))
            .Then(Discard(kept));

    private Script MoveBack(KeptPostgresData kept) => Required(
        OneOff(kept, "back", ["find", KeptMount, "-mindepth", "1", "-maxdepth", "1", "-exec", "mv", "{}", kept.DataDirectory + "/", ";"]),
        $"move {kept.DataDirectory} of '{kept.Container}' back from the volume {kept.Volume}");

    /// <summary>Frees the kept data directory.</summary>
    public Script Discard(KeptPostgresData kept) => Required(docker.Spec(["volume", "rm", "--force", kept.Volume]), $"remove the volume " +
        $"{kept.Volume}");

    /// <summary>Starts the container and waits until its final server accepts TCP connections on 127.0.0.1 inside it.</summary>
    public Script StartAndWait(string container)
    {
        ProcessResult? last = null;
        return Required(docker.Spec(DockerArgs.Start(container)), $"start '{container}'")
            .Then(new PollCommand(
                postgres.Exec(container, ["pg_isready", "-h", "127.0.0.1", "-U", postgres.User, "-d", postgres.Database]), (result, _) =>
            {
                last = result;
                return Task.FromResult(result.Succeeded);
            }, TimeSpan.FromMilliseconds(200), ReadyTimeout, () => new OperationFailedException(
                $"PostgreSQL in '{container}' did not accept connections within {ReadyTimeout.TotalSeconds:0} s ({last?.ErrorSummary}): " +
                    $"read `{docker.CommandName} logs {container}`."))
            {
                Note = "until it accepts TCP connections on 127.0.0.1 inside it",
            })
            .Then(Script.Do(() => logger.LogInformation("PostgreSQL in {Container} accepts connections", container)));
    }

    private ProcessSpec OneOff(KeptPostgresData kept, string purpose, IReadOnlyList<string> command) => docker.Spec(
    [
        "run", "--rm", "--network", "none", "--name", $"summit-dr-pg{purpose}-{kept.Container}", "--volumes-from", kept.Container,
        "--mount", new VolumeMount(kept.Volume, KeptMount).Argument, kept.Image, .. command,
    ]);

    private static Script Required(ProcessSpec spec, string what) => Script.Run(spec, "Could not " + what);
}
