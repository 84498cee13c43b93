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
public sealed class Neo4jWorkbench : INeo4jVolume, IAsyncDisposable
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

    /// <summary>
    /// Its name: the purpose and the server's. A restore's is `admin`; the safety backup a restore takes has one of its
    /// own (`safety`), so that the restore's, idle beside it, stays.
    /// </summary>
    public static string NameFor(string container, string purpose = Purposes.Admin) => Neo4jOneOffs.Name(purpose, container);

    /// <summary>The `docker run -d` that starts it; a dry run prints the same.</summary>
    public static IReadOnlyList<string> RunArgs(Neo4jTarget target, BindMount? mount, string purpose = Purposes.Admin) =>
    [
        .. DockerArgs.RunIdle(NameFor(target.Container.Name, purpose)), .. OneOffOwner.Labels(),
        .. Neo4jOneOffs.ServerUser(target.Container) is { } user ? new[] { "--user", user } : [],
        // Beside a drill's scratch server it carries the drill's labels, as everything a drill creates does.
        .. target.Container.Labels.Where(l => l.Key.StartsWith("summit-dr.drill", StringComparison.Ordinal)).OrderBy(
            l => l.Key, StringComparer.Ordinal).SelectMany(l => new[] { "--label", $"{l.Key}={l.Value}" }),
        "--volumes-from", target.Container.Name,
        .. mount is null ? Array.Empty<string>() : ["--mount", mount.Argument],
        target.Container.Image, "sleep", "86400",
    ];

    /// <summary>A workbench a dry run plans with: nothing is started, and disposing it records its removal.</summary>
    internal static Neo4jWorkbench Planned(DockerCli docker, Neo4jTarget target, bool seesMount, string purpose, ILogger logger) =>
        new(docker, target, NameFor(target.Container.Name, purpose), seesMount, logger);

    /// <summary>
    /// Starts it and waits until the image's entrypoint has handed over to `sleep`, then hands it to <paramref name="started"/>.
    /// <paramref name="mount"/> (a directory or file of this machine, at <see cref="MountPoint"/>) is probed with
    /// <paramref name="probe"/>: the container must see that file with the same size and modification time as this
    /// process does. A leftover of a killed run that holds the name is removed and the start tried again; an engine
    /// that refuses the mount (a remote one) gets the container without it.
    /// </summary>
    internal static Script Start(
        DockerCli docker, Neo4jTarget target, BindMount? mount, (string HostFile, string ContainerFile)? probe, string purpose,
            TimeSpan readyTimeout, ILogger logger, Action<Neo4jWorkbench> started)
    {
        var name = NameFor(target.Container.Name, purpose);
        var mounted = mount;
        var sees = false;
        var start = new RunCommand(docker.Spec(RunArgs(target, mount, purpose)), async (result, context) =>
        {
            if (result.ExitCode == DockerExit.DaemonError && await docker.InspectAsync(name, context.CancellationToken) is { } holder)
            {
                if (OneOffOwner.OtherLiveOwner(holder) is { } owner)
                {
                    // Another run works on this platform now (from another backup root): it keeps its workbench, this run stops.
                    throw new LockedException($"Another summit-dr run ({owner}, host/pid/start) is working on Neo4j " +
                        $"'{target.Container.Name}': its workbench '{name}' runs. Wait for it to finish: one platform takes one " +
                        "operation at a time.");
                }

                // A leftover of a run that was killed holds the name.
                await docker.RemoveIfPresentAsync(name, anonymousVolumes: false, context.CancellationToken);
                result = await context.RunAsync(docker.Spec(RunArgs(target, mount, purpose)));
            }

            if (result.ExitCode == DockerExit.DaemonError && mount is not null)
            {
                // A remote engine, or summit-dr in a container: the engine has no such path. Without the mount it starts.
                var unmounted = await context.RunAsync(docker.Spec(RunArgs(target, null, purpose)));
                if (unmounted.Succeeded)
                {
                    logger.LogDebug("The engine refused the bind mount of {Path} ({Error}); it starts without " +
                        "it", mount.Source, result.ErrorSummary);
                    (result, mounted) = (unmounted, null);
                }
            }

            if (!result.Succeeded)
            {
                await RemoveQuietlyAsync(docker, name, logger);
                throw new OperationFailedException($"Could not start a container of Neo4j's image {target.Container.Image} beside " +
                    $"'{target.Container.Name}': {result.ErrorSummary}");
            }
        })
        { Note = "the container neo4j-admin runs in, beside the server and sharing its volumes" };

        var script = Script.Of(start);
        if (mount is not null && probe is { } p)
        {
            // The probe first: by the time it answers, the entrypoint has usually handed over already.
            script = script.Then(new RunCommand(docker.Spec(ProbeArgs(name, p.ContainerFile)), (result, _) =>
            {
                sees = mounted is not null && result.Succeeded && result.StandardOutput.Trim() == Stamp(p.HostFile);
                return Task.CompletedTask;
            })
            {
                Note = "does the engine see this machine's file? (else the dump travels through the docker CLI)",
                // An engine that refused the mount started the container without it: there is nothing to probe.
                Through = async (spec, run, _) =>
                {
                    if (mounted is not null)
                    {
                        await run(spec);
                    }
                },
            });
        }

        ProcessResult? last = null;
        var ready = new PollCommand(docker.Spec(ReadyArgs(name)), async (result, context) =>
        {
            last = result;
            if (result.Succeeded || DockerExit.IsMissingProgram(result.ExitCode))
            {
                // Ready, or an image without pgrep: nothing to wait for.
                return true;
            }

            return result.StandardError.Length > 0 && await docker.InspectAsync(name, context.CancellationToken) is not { Running: true }
                ? throw new OperationFailedException($"The container of Neo4j's image {target.Container.Image} beside " +
                    $"'{target.Container.Name}' exited at once: {result.ErrorSummary}")
                : false;
        }, PollInterval, readyTimeout, () => new OperationFailedException($"The container of Neo4j's image beside " +
            $"'{target.Container.Name}' did not get ready within {readyTimeout.TotalSeconds:0} s: {last?.ErrorSummary}"))
        { Note = "until the image's entrypoint has handed over" };

        return script.Then(ready)
            .Then(Script.InProcess("the workbench is ready", () =>
            {
                if (mounted is not null && !sees)
                {
                    logger.LogInformation("The docker engine does not see {Path} (a remote engine, or summit-dr running in a container): " +
                        "the Neo4j dump travels through the docker CLI", mounted.Source);
                }

                started(new Neo4jWorkbench(docker, target, name, sees, logger));
            }))
            .Finally(Script.Empty, onFailure: Script.InProcess("remove the workbench, unless another live run's", async _ =>
            {
                // A start refused because another run holds the name leaves that run's workbench to it. Clean-up runs on its
                // own deadline, interrupted or not.
                using var cleanup = new CancellationTokenSource(CleanupTimeout);
                ContainerInfo? holder = null;
                try
                {
                    holder = await docker.InspectAsync(name, cleanup.Token);
                }
                catch (Exception ex) when (ex is OperationFailedException or OperationCanceledException or PreconditionException)
                {
                    logger.LogDebug("Could not ask who holds {Name}: {Error}", name, ex.Message);
                }

                if (holder is null || OneOffOwner.OtherLiveOwner(holder) is null)
                {
                    await RemoveQuietlyAsync(docker, name, logger);
                }
            }));
    }

    /// <summary>The `docker exec` that runs <paramref name="command"/> in it; a dry run prints the same.</summary>
    public IReadOnlyList<string> ExecArgs(IReadOnlyList<string> command, bool interactive = false) =>
        Neo4jOneOffs.ExecArgs(Target.Container, Name, command, interactive);

    /// <summary>The readiness probe: the image's entrypoint has handed over once `sleep` runs.</summary>
    public static IReadOnlyList<string> ReadyArgs(string name) => ["exec", name, "pgrep", "-x", "sleep"];

    /// <summary>The mount probe: size and modification time of a file as the container sees it.</summary>
    public static IReadOnlyList<string> ProbeArgs(string name, string containerFile) =>
        ["exec", name, "stat", "-c", "%s:%Y", containerFile];

    /// <summary>A command in it as the store's owner.</summary>
    public ProcessSpec Exec(IReadOnlyList<string> command, bool interactive = false) => _docker.Spec(ExecArgs(command, interactive));

    /// <summary>
    /// Removes it, whatever the run's token says: a command still running in it would hold the store lock. A
    /// failure is logged with what to run, not thrown.
    /// </summary>
    public Script Remove() => Script.Of(new RunCommand(_docker.Spec(DockerArgs.RemoveForce(Name)), async (result, _) =>
    {
        Interlocked.Exchange(ref _disposed, 1);
        using var cleanup = new CancellationTokenSource(CleanupTimeout);
        if (!result.Succeeded && await _docker.InspectAsync(Name, cleanup.Token) is not null)
        {
            _logger.LogError("Could not remove the container {Name}: {Error}. Remove it with `{Cli} rm -f " +
                "{Name}`", Name, result.ErrorSummary, _docker.CommandName, Name);
        }
    }));

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
            await docker.RemoveIfPresentAsync(name, anonymousVolumes: false, cleanup.Token);
        }
        catch (Exception ex) when (ex is OperationFailedException or OperationCanceledException or PreconditionException)
        {
            logger.LogError("Could not remove the container {Name}: {Error}. Remove it with `{Cli} rm -f {Name}`", name, ex.Message,
                docker.CommandName, name);
        }
    }

    private static string Stamp(string hostFile)
    {
        var info = new FileInfo(hostFile);
        return string.Create(
            CultureInfo.InvariantCulture, $"{info.Length}:{new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeSeconds()}");
    }
}

/// <summary>What a workbench serves, which its name says.</summary>
public static class Purposes
{
    public const string Admin = "admin";

    public const string Safety = "safety";
}
