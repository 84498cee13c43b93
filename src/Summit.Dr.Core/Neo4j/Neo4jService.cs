using System.Globalization;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Docker;
using Summit.Dr.Errors;

namespace Summit.Dr.Neo4j;

/// <summary>Everything the tool does to a Neo4j server: describe it, query it, dump it offline, bring it back.</summary>
public sealed class Neo4jService
{
    // Short enough that a quick start is not billed a whole second of downtime.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The directory, inside a backup's work directory, that the dump one-off writes into.</summary>
    public const string DumpDirectoryName = "neo4j-dump.tmp";

    private readonly DockerCli _docker;
    private readonly Neo4jOptions _options;
    private readonly StopJournal _journal;
    private readonly TimeProvider _time;
    private readonly ILogger<Neo4jService> _logger;

    public Neo4jService(DockerCli docker, IOptions<SummitDrOptions> options, StopJournal journal, TimeProvider time, ILogger<Neo4jService> logger)
    {
        _docker = docker;
        _options = options.Value.Neo4j;
        _journal = journal;
        _time = time;
        _logger = logger;
    }

    public TimeSpan StopTimeout => TimeSpan.FromSeconds(_options.StopTimeoutSeconds);

    public TimeSpan StartTimeout => TimeSpan.FromSeconds(_options.StartTimeoutSeconds);

    public Neo4jTarget Describe(ContainerInfo container)
    {
        var version = Neo4jVersions.FromImage(container.Image, container.Environment);
        return new Neo4jTarget(container, _options.Database, version, Neo4jVersions.SyntaxFor(version, _options.AdminSyntax), ResolveCredentials(container));
    }

    /// <summary>The configured password wins; otherwise NEO4J_AUTH from the container (`user/password` or `none`).</summary>
    private Neo4jCredentials ResolveCredentials(ContainerInfo container)
    {
        if (!string.IsNullOrEmpty(_options.Password))
        {
            return new Neo4jCredentials(_options.User, _options.Password);
        }

        if (container.Environment.TryGetValue("NEO4J_AUTH", out var auth) && auth.Contains('/', StringComparison.Ordinal))
        {
            var slash = auth.IndexOf('/', StringComparison.Ordinal);
            return new Neo4jCredentials(auth[..slash], auth[(slash + 1)..]);
        }

        return new Neo4jCredentials(_options.User, null);
    }

    /// <summary>The node count, or null when the server cannot be asked (no credentials, not answering).</summary>
    public async Task<long?> CountNodesAsync(Neo4jTarget target, CancellationToken cancellationToken)
    {
        var result = await CypherAsync(target, Neo4jCommands.CountNodes, cancellationToken);
        var last = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (result.Succeeded && long.TryParse(last, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count))
        {
            return count;
        }

        _logger.LogWarning("Could not count Neo4j nodes in {Container}: {Error}", target.Container.Name, result.ErrorSummary);
        return null;
    }

    /// <summary>
    /// The database's size on disk (`du` of its store directory), an upper bound for its dump; null when it
    /// cannot be read. A running server is asked with `docker exec`; a stopped one through a one-off.
    /// </summary>
    public async Task<long?> StoreSizeAsync(Neo4jTarget target, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> du = ["du", "-s", "-k", $"/data/databases/{target.Database}"];
        Processes.ProcessResult result;
        if (target.Container.Running)
        {
            result = await _docker.RunAsync(_docker.Spec(DockerArgs.Exec(target.Container.Name, du)), cancellationToken);
        }
        else
        {
            var oneOff = new OneOffSpec(Neo4jOneOffs.Name("size", target.Container.Name), target.Container.Image, [.. du.Skip(1)])
            {
                VolumesFrom = target.Container.Name,
                Entrypoint = "du",
            };
            result = await _docker.RunAsync(_docker.Spec(DockerArgs.RunOneOff(oneOff)), cancellationToken);
        }

        return result.Succeeded && long.TryParse(result.StandardOutput.Split('\t')[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var kib)
            ? kib * 1024
            : null;
    }

    /// <summary>
    /// Stops Neo4j if it runs, does <paramref name="work"/>, and starts it again whatever happened (failure,
    /// cancellation), waiting until it answers. The restart's own error is joined to the work's, never
    /// replaces it. A server that was stopped before is left stopped. Returns how long Neo4j was down.
    /// </summary>
    public async Task<TimeSpan?> WhileStoppedAsync(Neo4jTarget target, string journalRoot, Func<Task> work)
    {
        // A killed run's one-off would hold the store lock; it is cleared before Neo4j goes down, not during.
        await RemoveLeftoverOneOffsAsync(target.Container.Name);
        var downtime = target.Container.Running ? new Neo4jDowntime(this, _docker, _journal, target, journalRoot, _time, _logger) : null;
        Exception? failure = null;
        try
        {
            if (downtime is not null)
            {
                await downtime.StopAsync();
            }

            await work();
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        var restartFailure = downtime is null ? null : await downtime.RestartAsync();
        if (restartFailure is not null)
        {
            throw failure is null
                ? restartFailure
                : new OperationFailedException($"{(failure is OperationCanceledException ? "Interrupted." : failure.Message)} {restartFailure.Message}", restartFailure);
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Capture(failure).Throw();
        }

        return downtime?.Duration;
    }

    /// <summary>
    /// The directory the dump one-off writes into (a bind mount, the runbook's `--to-path`), created under
    /// <paramref name="parent"/>; or null when the dump must be streamed through the docker CLI because the
    /// engine does not see this process's disk (a remote engine, or summit-dr itself in a container).
    /// Decided before Neo4j is stopped.
    /// </summary>
    public async Task<string?> PrepareDumpDirectoryAsync(Neo4jTarget target, string parent, CancellationToken cancellationToken)
    {
        var transfer = _options.DumpTransfer.Trim().ToLowerInvariant();
        if (transfer == Neo4jDumpTransfer.Stream)
        {
            return null;
        }

        var directory = Path.Combine(parent, DumpDirectoryName);
        Directory.CreateDirectory(directory);
        // neo4j-admin writes here as uid 7474 (or the server's user), whoever runs summit-dr. Sticky, as /tmp
        // is: nobody can replace a file another user wrote.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("1777", 8));
        }
        if (transfer == Neo4jDumpTransfer.BindMount || await EngineSeesAsync(target, directory, cancellationToken))
        {
            return directory;
        }

        Directory.Delete(directory, recursive: true);
        _logger.LogInformation("The docker engine does not see {Directory} (a remote engine, or summit-dr running in a container): the Neo4j dump is streamed through the docker CLI", parent);
        return null;
    }

    /// <summary>
    /// Dumps the (stopped) database into <paramref name="directory"/> from a one-off container that shares the
    /// server's volumes; returns the path of the dump neo4j-admin wrote there.
    /// </summary>
    public async Task<string> DumpToDirectoryAsync(Neo4jTarget target, string directory, CancellationToken cancellationToken)
    {
        var spec = Neo4jOneOffs.DumpToDirectory(target, directory);
        var result = await RunOneOffAsync(spec, _docker.Spec(DockerArgs.RunOneOff(spec)), $"neo4j-admin dump of database '{target.Database}' failed", cancellationToken);
        LogEntrypointOutput(result);
        var dump = Path.Combine(directory, target.Database + ".dump");
        return File.Exists(dump)
            ? dump
            : throw new OperationFailedException($"neo4j-admin reported a dump of database '{target.Database}' but wrote no {Path.GetFileName(dump)} into {directory}. Set Neo4j:DumpTransfer=stream and try again.");
    }

    /// <summary>Streams an offline dump out of a one-off container that shares the server's volumes.</summary>
    public async Task DumpToStreamAsync(Neo4jTarget target, Stream output, CancellationToken cancellationToken)
    {
        var spec = Neo4jOneOffs.DumpToStdout(target);
        await RunOneOffAsync(spec, _docker.Spec(DockerArgs.RunOneOff(spec)) with { StandardOutput = output }, $"neo4j-admin dump of database '{target.Database}' failed", cancellationToken);
    }

    /// <summary>Loads a dump over the database, from a one-off container that shares the (stopped) server's volumes.</summary>
    public async Task LoadAsync(Neo4jTarget target, string dumpPath, CancellationToken cancellationToken)
    {
        var spec = Neo4jOneOffs.Load(target);
        await using var input = ArtifactFiles.OpenRead(dumpPath);
        var result = await RunOneOffAsync(spec, _docker.Spec(DockerArgs.RunOneOff(spec)) with { StandardInput = input }, $"neo4j-admin load of database '{target.Database}' failed", cancellationToken);
        LogEntrypointOutput(result);
    }

    /// <summary>
    /// Runs a one-off that shares the server's volumes. `--rm` removes it when it exits; after a failure or
    /// cancellation it is removed here before anything else happens, since a one-off still running (its
    /// client was killed) holds the store lock and would keep Neo4j from starting.
    /// </summary>
    private async Task<Processes.ProcessResult> RunOneOffAsync(OneOffSpec oneOff, Processes.ProcessSpec spec, string failure, CancellationToken cancellationToken)
    {
        Processes.ProcessResult result;
        try
        {
            result = await _docker.RunAsync(spec, cancellationToken);
        }
        catch
        {
            await RemoveOneOffAsync(oneOff.Name);
            throw;
        }

        if (!result.Succeeded)
        {
            await RemoveOneOffAsync(oneOff.Name);
            if (DiskFull.IsIn(result.StandardError))
            {
                throw new DiskFullException($"{failure}: {DiskFull.Message}");
            }

            throw new OperationFailedException($"{failure}: {result.ErrorSummary}");
        }

        return result;
    }

    /// <summary>The image's entrypoint may say something on stdout (for example that it changed the owner of /data); it is worth a line.</summary>
    private void LogEntrypointOutput(Processes.ProcessResult result)
    {
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                     .Where(l => l.StartsWith("Warning:", StringComparison.Ordinal)))
        {
            _logger.LogInformation("Neo4j image: {Line}", line);
        }
    }

    /// <summary>Asks neo4j-admin to read a dump (5.x `load --info`); returns its report, or null where the image has no such command.</summary>
    public async Task<string?> ReadDumpInfoAsync(Neo4jTarget target, string dumpPath, CancellationToken cancellationToken)
    {
        await using var input = ArtifactFiles.OpenRead(dumpPath);
        return await ReadDumpInfoAsync(target, input, Path.GetFileName(dumpPath), cancellationToken);
    }

    /// <summary>
    /// Feeds <paramref name="dump"/> to `load --info` (5.x) and returns its report; null, without reading
    /// anything, where the image has no such command (4.4). Throws <see cref="IntegrityException"/> when
    /// neo4j-admin cannot read it.
    /// </summary>
    public async Task<string?> ReadDumpInfoAsync(Neo4jTarget target, Stream dump, string file, CancellationToken cancellationToken)
    {
        if (Neo4jCommands.InfoFromStdin(target.Database, target.Syntax) is not { } command)
        {
            return null;
        }

        var oneOff = Neo4jOneOffs.Info(target, command);
        var spec = _docker.Spec(DockerArgs.RunOneOff(oneOff)) with { StandardInput = dump };
        try
        {
            var result = await _docker.RunAsync(spec, cancellationToken);
            if (!result.Succeeded)
            {
                throw new IntegrityException($"neo4j-admin cannot read {file}: {result.ErrorSummary}");
            }

            return string.Join('\n', result.StandardOutput.Split('\n').Where(l => !l.StartsWith("Warning:", StringComparison.Ordinal))).Trim();
        }
        finally
        {
            await RemoveOneOffAsync(oneOff.Name);
        }
    }

    /// <summary>True when a one-off of the server's image finds the probe file written into <paramref name="directory"/>.</summary>
    private async Task<bool> EngineSeesAsync(Neo4jTarget target, string directory, CancellationToken cancellationToken)
    {
        var probe = ".summit-dr-probe-" + Guid.NewGuid().ToString("N")[..12];
        await File.WriteAllBytesAsync(Path.Combine(directory, probe), [], cancellationToken);
        var oneOff = Neo4jOneOffs.Probe(target, directory, probe);
        try
        {
            var result = await _docker.RunAsync(_docker.Spec(DockerArgs.RunOneOff(oneOff)), cancellationToken);
            if (!result.Succeeded)
            {
                _logger.LogDebug("Bind-mount probe of {Directory}: {Error}", directory, result.ErrorSummary);
                await RemoveOneOffAsync(oneOff.Name);
            }

            return result.Succeeded;
        }
        catch
        {
            await RemoveOneOffAsync(oneOff.Name);
            throw;
        }
        finally
        {
            File.Delete(Path.Combine(directory, probe));
        }
    }

    /// <summary>Starts the container and waits until cypher-shell answers, on its own deadline.</summary>
    public async Task StartAndWaitAsync(Neo4jTarget target, CancellationToken cancellationToken)
    {
        await _docker.StartAsync(target.Container.Name, cancellationToken);
        await WaitUntilAnswersAsync(target, cancellationToken);
    }

    public async Task WaitUntilAnswersAsync(Neo4jTarget target, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + StartTimeout;
        var starts = 0;
        while (true)
        {
            var result = await CypherAsync(target, Neo4jCommands.Ping, cancellationToken);
            // An authentication failure is an answer: the server is up, only our credentials are wrong.
            if (result.Succeeded || result.StandardError.Contains("unauthorized", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            // docker says "is not running"; podman "can only create exec sessions on running containers".
            if (result.StandardError.Contains("is not running", StringComparison.OrdinalIgnoreCase)
                || result.StandardError.Contains("on running containers", StringComparison.OrdinalIgnoreCase))
            {
                // A container that exits right after `docker start` will not answer however long we wait.
                if (++starts > 2)
                {
                    throw new OperationFailedException(
                        $"Neo4j container '{target.Container.Name}' exits right after it starts. Read `docker logs {target.Container.Name}`, fix the cause and run `docker start {target.Container.Name}`.");
                }

                await _docker.StartAsync(target.Container.Name, cancellationToken);
            }

            if (_time.GetUtcNow() >= deadline)
            {
                throw new OperationFailedException(
                    $"Neo4j container '{target.Container.Name}' did not answer within {StartTimeout.TotalSeconds:0} s ({result.ErrorSummary}). Check `docker logs {target.Container.Name}`; raise Neo4j:StartTimeoutSeconds if it is only slow.");
            }

            await Task.Delay(PollInterval, _time, cancellationToken);
        }
    }

    private Task<Processes.ProcessResult> CypherAsync(Neo4jTarget target, string query, CancellationToken cancellationToken)
    {
        var spec = _docker.Spec(DockerArgs.Exec(target.Container.Name, Neo4jCommands.Cypher(query), Neo4jCredentials.EnvironmentNames))
            with { Environment = target.Credentials.Environment };
        return _docker.RunAsync(spec, cancellationToken);
    }

    /// <summary>
    /// Makes sure a one-off container is gone, even after the docker client was killed by cancellation
    /// (the container would otherwise keep the store locked). Runs on its own deadline.
    /// </summary>
    private async Task RemoveOneOffAsync(string name)
    {
        using var cleanup = new CancellationTokenSource(CleanupTimeout);
        try
        {
            await _docker.RemoveIfPresentAsync(name, cleanup.Token);
        }
        catch (Exception ex) when (ex is OperationFailedException or OperationCanceledException)
        {
            _logger.LogError("Could not remove the one-off container {Name}: {Error}. Remove it with `docker rm -f {Name}`", name, ex.Message, name);
        }
    }

    /// <summary>Removes the one-off containers a killed run may have left holding the store lock.</summary>
    public async Task RemoveLeftoverOneOffsAsync(string container)
    {
        await RemoveOneOffAsync(Neo4jOneOffs.Name("dump", container));
        await RemoveOneOffAsync(Neo4jOneOffs.Name("load", container));
    }
}
