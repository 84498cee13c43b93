using System.Globalization;
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

    public static string NameFor(string postgres) => "summit-dr-pgadmin-" + postgres;

    /// <summary>PGDATA of the container (the official image's /var/lib/postgresql/data unless it says otherwise).</summary>
    public static string DataDirectoryOf(ContainerInfo postgres) =>
        postgres.Environment.GetValueOrDefault("PGDATA") is { Length: > 0 } data ? data.TrimEnd('/') : "/var/lib/postgresql/data";

    public static IReadOnlyList<string> RunArgs(ContainerInfo postgres) =>
    [
        "run", "-d", "--rm", "--network", "none", "--name", NameFor(postgres.Name),
        // Beside a drill's scratch server it carries the drill's labels, so a killed drill's leftovers are found.
        .. postgres.Labels.Where(l => l.Key.StartsWith("summit-dr.drill", StringComparison.Ordinal)).OrderBy(l => l.Key, StringComparer.Ordinal).SelectMany(l => new[] { "--label", $"{l.Key}={l.Value}" }),
        "--volumes-from", postgres.Name, postgres.Image, "tail", "-f", "/dev/null",
    ];

    /// <summary>A workbench a dry run plans with.</summary>
    public static PostgresWorkbench Planned(DockerCli docker, ContainerInfo postgres) => new(docker, postgres, "<owner>");

    public static StepPlan StartPlan(DockerCli docker, ContainerInfo postgres) => StepPlan.Of(
        new PlannedCommand(docker.Spec(DockerArgs.RemoveForce(NameFor(postgres.Name)))) { Note = "one left by a run that was killed" },
        new PlannedCommand(docker.Spec(RunArgs(postgres))) { Note = "beside the server, sharing its volumes" },
        docker.Spec(DockerArgs.Exec(NameFor(postgres.Name), ["stat", "-c", "%u:%g", DataDirectoryOf(postgres)])));

    public static async Task<PostgresWorkbench> StartAsync(DockerCli docker, ContainerInfo postgres, CancellationToken cancellationToken)
    {
        await docker.RemoveIfPresentAsync(NameFor(postgres.Name), cancellationToken);
        Require(await docker.RunAsync(docker.Spec(RunArgs(postgres)), cancellationToken), $"start {NameFor(postgres.Name)}");
        var owner = await docker.RunAsync(docker.Spec(DockerArgs.Exec(NameFor(postgres.Name), ["stat", "-c", "%u:%g", DataDirectoryOf(postgres)])), cancellationToken);
        var bench = new PostgresWorkbench(docker, postgres, owner.StandardOutput.Trim());
        if (!owner.Succeeded || !owner.StandardOutput.Contains(':', StringComparison.Ordinal))
        {
            await bench.DisposeAsync();
            throw new OperationFailedException($"Cannot read the owner of {DataDirectoryOf(postgres)} in {NameFor(postgres.Name)}: {owner.ErrorSummary}");
        }

        return bench;
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

    /// <summary>Bytes free on the data directory's filesystem (`df -P -k`).</summary>
    public async Task<long> FreeBytesAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsync(Exec(["df", "-P", "-k", DataDirectory]), "measure the free space of " + DataDirectory, cancellationToken);
        var fields = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[3], CultureInfo.InvariantCulture) * 1024;
    }

    public StepPlan RemovePlan() => StepPlan.Of(_docker.Spec(DockerArgs.RemoveForce(Name)));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && !StepRunner.DryRun)
        {
            using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await _docker.RemoveIfPresentAsync(Name, cleanup.Token);
        }
    }

    private static ProcessResult Require(ProcessResult result, string what) =>
        result.Succeeded ? result : throw new OperationFailedException($"Could not {what}: {result.ErrorSummary}");
}
