using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Steps;

namespace Summit.Dr.Stores.Postgres;

/// <summary>
/// A container of the live PostgreSQL's image that shares its volumes (no network), in which a restore to a
/// point in time stages the WAL, reads it with pg_waldump, and lays the base backup, with `docker exec` as the
/// data directory's owner. Started while PostgreSQL still serves; removed when disposed.
/// </summary>
public sealed class PostgresWorkbench : IAsyncDisposable
{
    /// <summary>The directory of the data directory the WAL is staged in for recovery (restore_command copies from it).</summary>
    public const string Staging = "summit-dr-wal";

    private readonly DockerCli _docker;
    private int _disposed;

    private PostgresWorkbench(DockerCli docker, ContainerInfo postgres, string owner)
    {
        _docker = docker;
        Postgres = postgres;
        Owner = owner;
    }

    public ContainerInfo Postgres { get; }

    public string Name => NameFor(Postgres.Name);

    /// <summary>`uid:gid` of the data directory: what every file laid into it belongs to.</summary>
    public string Owner { get; }

    public string DataDirectory => DataDirectoryOf(Postgres);

    public string StagingDirectory => DataDirectory + "/" + Staging;

    public static string NameFor(string postgres) => OneOffOwner.Named("summit-dr-pgadmin-" + postgres);

    /// <summary>PGDATA of the container (the official image's /var/lib/postgresql/data unless it says otherwise).</summary>
    public static string DataDirectoryOf(ContainerInfo postgres) =>
        postgres.Environment.GetValueOrDefault("PGDATA") is { Length: > 0 } data ? data.TrimEnd('/') : "/var/lib/postgresql/data";

    public static IReadOnlyList<string> RunArgs(ContainerInfo postgres) =>
    [
        .. DockerArgs.RunIdle(NameFor(postgres.Name)), .. OneOffOwner.Labels(),
        // Beside a drill's scratch server it carries the drill's labels, so a killed drill's leftovers are found.
        .. postgres.Labels.Where(l => l.Key.StartsWith("summit-dr.drill", StringComparison.Ordinal)).OrderBy(
            l => l.Key, StringComparer.Ordinal).SelectMany(l => new[] { "--label", $"{l.Key}={l.Value}" }),
        "--volumes-from", postgres.Name, postgres.Image, "tail", "-f", "/dev/null",
    ];

    /// <summary>A workbench a dry run plans with.</summary>
    public static PostgresWorkbench Planned(DockerCli docker, ContainerInfo postgres) => new(docker, postgres, "<owner>");

    /// <summary>Starts it (its name is this run's: one a killed run left is removed by its owner label) and asks who owns the
    /// data directory; hands it to <paramref name="started"/>.</summary>
    public static Script Start(DockerCli docker, ContainerInfo postgres, Action<PostgresWorkbench> started)
    {
        var name = NameFor(postgres.Name);
        return Script.Of(
                new RunCommand(docker.Spec(RunArgs(postgres)), Judges.Require($"Could not start {name}")) { Note = "beside the server, " +
                    "sharing its volumes" },
                new RunCommand(docker.Spec(DockerArgs.Exec(name, ["stat", "-c", "%u:%g", DataDirectoryOf(postgres)])), async (owner, _) =>
                {
                    var bench = new PostgresWorkbench(docker, postgres, owner.StandardOutput.Trim());
                    if (!owner.Succeeded || !owner.StandardOutput.Contains(':', StringComparison.Ordinal))
                    {
                        await bench.DisposeAsync();
                        throw new OperationFailedException($"Cannot read the owner of {DataDirectoryOf(postgres)} in {name}: " +
                            $"{owner.ErrorSummary}");
                    }

                    started(bench);
                }));
    }

    /// <summary>A command in the workbench as the data directory's owner (or as root, for what only root may).</summary>
    public ProcessSpec Exec(IReadOnlyList<string> command, bool interactive = false, bool asRoot = false)
    {
        var args = new List<string> { "exec" };
        if (interactive)
        {
            args.Add("-i");
        }

        if (!asRoot)
        {
            args.AddRange(["-u", Owner]);
        }

        args.Add(Name);
        args.AddRange(command);
        return _docker.Spec(args);
    }

    public async Task<ProcessResult> RunAsync(ProcessSpec spec, string what, CancellationToken cancellationToken) =>
        Require(await _docker.RunAsync(spec, cancellationToken), what);


    /// <summary>Removes it, on a deadline of its own; a container that is already gone is fine.</summary>
    public Script Remove() =>
        Script.Do(() => Interlocked.Exchange(ref _disposed, 1))
            .Then(new RunCommand(_docker.Spec(DockerArgs.RemoveForce(Name)), Judges.Removed(_docker, Name)))
            .Uninterrupted(TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && !StepRunner.DryRun)
        {
            using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await _docker.RemoveIfPresentAsync(Name, anonymousVolumes: false, cleanup.Token);
        }
    }

    private static ProcessResult Require(ProcessResult result, string what) =>
        result.Succeeded ? result : throw new OperationFailedException($"Could not {what}: {result.ErrorSummary}");
}
