using System.Globalization;
using Microsoft.Extensions.Logging;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Steps;

namespace Summit.Dr.Stores.Neo4j;

/// <summary>
/// A container of the server's image that shares its volumes, started before Neo4j is stopped, in which
/// neo4j-admin and the store moves run with `docker exec`. Starting a container is the slow part of a
/// one-off, so none is started while Neo4j is down. It starts through the image's own entrypoint (as the
/// server's user when it has one), which makes a root-owned file in /data writable for uid 7474 as at every
/// server start; `docker exec` bypasses the entrypoint, so a streamed dump carries nothing but neo4j-admin's
/// bytes. Commands run as the store's owner. A directory or file of this machine can be bind-mounted at
/// <see cref="MountPoint"/>; whether the engine really sees it is probed, not assumed. Disposing removes the
/// container (which also ends anything still running in it and frees the store lock).
/// </summary>
public sealed class Neo4jWorkbench : IAsyncDisposable
{
    /// <summary>Where a bind-mounted directory or dump file of this machine appears inside.</summary>
    public const string MountPoint = "/summit-dr";

    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly DockerCli _docker;
    private readonly ILogger _logger;
    private int _disposed;

    private Neo4jWorkbench(DockerCli docker, Neo4jTarget target, string name, bool seesMount, ILogger logger)
    {
        _docker = docker;
        Target = target;
        Name = name;
        SeesMount = seesMount;
        _logger = logger;
    }

    public Neo4jTarget Target { get; }

    public string Name { get; }

    /// <summary>True when the bind mount reached this machine's file: neo4j-admin reads or writes it directly.</summary>
    public bool SeesMount { get; }

    /// <summary>Who runs the commands: the owner of the store.</summary>
    public string User => Neo4jOneOffs.StoreOwner(Target.Container);

    public static string NameFor(string container) => Neo4jOneOffs.Name("admin", container);

    /// <summary>The `docker run -d` that starts it; a dry run prints the same.</summary>
    public static IReadOnlyList<string> RunArgs(Neo4jTarget target, BindMount? mount) =>
    [
        "run", "-d", "--rm", "--network", "none", "--name", NameFor(target.Container.Name),
        .. Neo4jOneOffs.ServerUser(target.Container) is { } user ? new[] { "--user", user } : [],
        // Beside a drill's scratch server it carries the drill's labels, as everything a drill creates does.
        .. target.Container.Labels.Where(l => l.Key.StartsWith("summit-dr.drill", StringComparison.Ordinal)).OrderBy(l => l.Key, StringComparer.Ordinal).SelectMany(l => new[] { "--label", $"{l.Key}={l.Value}" }),
        "--volumes-from", target.Container.Name,
        .. mount is null ? Array.Empty<string>() : ["--mount", mount.Argument],
        target.Container.Image, "sleep", "86400",
    ];

    /// <summary>A workbench a dry run plans with: nothing is started, and disposing it records its removal.</summary>
    internal static Neo4jWorkbench Planned(DockerCli docker, Neo4jTarget target, bool seesMount, ILogger logger) =>
        new(docker, target, NameFor(target.Container.Name), seesMount, logger);

    /// <summary>What <see cref="StartAsync"/> runs: the start, the mount probe and the readiness poll.</summary>
    internal static StepPlan StartPlan(DockerCli docker, Neo4jTarget target, BindMount? mount, string? probeFile)
    {
        var name = NameFor(target.Container.Name);
        var plan = StepPlan.Of(new PlannedCommand(docker.Spec(RunArgs(target, mount))) { Note = "the container neo4j-admin runs in, beside the server and sharing its volumes" });
        if (mount is not null && probeFile is not null)
        {
            plan = plan.Then(new PlannedCommand(docker.Spec(ProbeArgs(name, probeFile))) { Note = "does the engine see this machine's file? (else the dump travels through the docker CLI)" });
        }

        return plan.Then(new PlannedCommand(docker.Spec(ReadyArgs(name))) { Repeats = true, Note = "until the image's entrypoint has handed over" });
    }

    /// <summary>
    /// Starts it and waits until the image's entrypoint has handed over to `sleep`. <paramref name="mount"/>
    /// (a directory or file of this machine, at <see cref="MountPoint"/>) is probed with <paramref name="probe"/>:
    /// the container must see that file with the same size and modification time as this process does.
    /// </summary>
    internal static async Task<Neo4jWorkbench> StartAsync(
        DockerCli docker, Neo4jTarget target, BindMount? mount, (string HostFile, string ContainerFile)? probe, TimeSpan readyTimeout, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var name = NameFor(target.Container.Name);
        var result = await docker.RunAsync(docker.Spec(RunArgs(target, mount)), cancellationToken);
        if (result.ExitCode == DockerExit.DaemonError && await docker.InspectAsync(name, cancellationToken) is not null)
        {
            // A leftover of a run that was killed holds the name.
            await docker.RemoveIfPresentAsync(name, cancellationToken);
            result = await docker.RunAsync(docker.Spec(RunArgs(target, mount)), cancellationToken);
        }

        if (result.ExitCode == DockerExit.DaemonError && mount is not null)
        {
            // A remote engine, or summit-dr in a container: the engine has no such path. Without the mount it starts.
            var unmounted = await docker.RunAsync(docker.Spec(RunArgs(target, null)), cancellationToken);
            if (unmounted.Succeeded)
            {
                logger.LogDebug("The engine refused the bind mount of {Path} ({Error}); it starts without it", mount.Source, result.ErrorSummary);
                (result, mount) = (unmounted, null);
            }
        }

        if (!result.Succeeded)
        {
            await RemoveQuietlyAsync(docker, name, logger);
            throw new OperationFailedException($"Could not start a container of Neo4j's image {target.Container.Image} beside '{target.Container.Name}': {result.ErrorSummary}");
        }

        var bench = new Neo4jWorkbench(docker, target, name, seesMount: false, logger);
        try
        {
            // The probe first: by the time it answers, the entrypoint has usually handed over already.
            var sees = mount is not null && probe is { } p && await bench.SeesAsync(p.HostFile, p.ContainerFile, cancellationToken);
            await bench.WaitUntilReadyAsync(readyTimeout, time, cancellationToken);
            if (mount is not null && !sees)
            {
                logger.LogInformation("The docker engine does not see {Path} (a remote engine, or summit-dr running in a container): the Neo4j dump travels through the docker CLI", mount.Source);
            }

            return new Neo4jWorkbench(docker, target, name, sees, logger);
        }
        catch
        {
            await bench.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a command in it as the store's owner; a non-zero exit is returned, not thrown.</summary>
    public Task<ProcessResult> ExecAsync(IReadOnlyList<string> command, CancellationToken cancellationToken, Stream? input = null, Stream? output = null) =>
        _docker.RunAsync(_docker.Spec(ExecArgs(command, input is not null)) with { StandardInput = input, StandardOutput = output }, cancellationToken);

    public IReadOnlyList<string> ExecArgs(IReadOnlyList<string> command, bool interactive = false) => ExecArgs(Target, command, interactive);

    /// <summary>The `docker exec` that runs <paramref name="command"/> in the workbench of <paramref name="target"/>; a dry run prints the same.</summary>
    public static IReadOnlyList<string> ExecArgs(Neo4jTarget target, IReadOnlyList<string> command, bool interactive = false) =>
        ["exec", .. interactive ? new[] { "-i" } : [], "--user", Neo4jOneOffs.StoreOwner(target.Container), NameFor(target.Container.Name), .. command];

    /// <summary>The readiness probe: the image's entrypoint has handed over once `sleep` runs.</summary>
    public static IReadOnlyList<string> ReadyArgs(string name) => ["exec", name, "pgrep", "-x", "sleep"];

    /// <summary>The mount probe: size and modification time of a file as the container sees it.</summary>
    public static IReadOnlyList<string> ProbeArgs(string name, string containerFile) => ["exec", name, "stat", "-c", "%s:%Y", containerFile];

    /// <summary>What disposing it runs.</summary>
    public PlannedCommand RemovePlan() => _docker.Spec(DockerArgs.RemoveForce(Name));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await RemoveQuietlyAsync(_docker, Name, _logger);
        }
    }

    /// <summary>Removes the container on its own deadline: a command still running in it would hold the store lock.</summary>
    internal static async Task RemoveQuietlyAsync(DockerCli docker, string name, ILogger logger)
    {
        using var cleanup = new CancellationTokenSource(CleanupTimeout);
        try
        {
            await docker.RemoveIfPresentAsync(name, cleanup.Token);
        }
        catch (Exception ex) when (ex is OperationFailedException or OperationCanceledException or PreconditionException)
        {
            logger.LogError("Could not remove the container {Name}: {Error}. Remove it with `docker rm -f {Name}`", name, ex.Message, name);
        }
    }

    /// <summary>The entrypoint may first have to `chown -R` a large store; the container is ready once `sleep` runs.</summary>
    private async Task WaitUntilReadyAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ProcessResult? last = null;
        await Poll.UntilAsync(time, PollInterval, timeout, async token =>
        {
            last = await _docker.RunAsync(_docker.Spec(ReadyArgs(Name)), token);
            if (last.Succeeded || DockerExit.IsMissingProgram(last.ExitCode))
            {
                // Ready, or an image without pgrep: nothing to wait for.
                return (true, true);
            }

            if (last.StandardError.Length > 0 && await _docker.InspectAsync(Name, token) is not { Running: true })
            {
                throw new OperationFailedException($"The container of Neo4j's image {Target.Container.Image} beside '{Target.Container.Name}' exited at once: {last.ErrorSummary}");
            }

            return (false, false);
        }, () => new OperationFailedException($"The container of Neo4j's image beside '{Target.Container.Name}' did not get ready within {timeout.TotalSeconds:0} s: {last?.ErrorSummary}"), cancellationToken);
    }

    private async Task<bool> SeesAsync(string hostFile, string containerFile, CancellationToken cancellationToken)
    {
        var result = await _docker.RunAsync(_docker.Spec(ProbeArgs(Name, containerFile)), cancellationToken);
        var info = new FileInfo(hostFile);
        var expected = string.Create(CultureInfo.InvariantCulture, $"{info.Length}:{new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeSeconds()}");
        return result.Succeeded && result.StandardOutput.Trim() == expected;
    }
}
