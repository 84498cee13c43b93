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
    // Short enough that a quick start is not billed a fraction of a second more; a poll is one `docker exec`.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
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
    public Task<long?> CountNodesAsync(Neo4jTarget target, CancellationToken cancellationToken) =>
        CountAsync(target, Neo4jCommands.CountNodes, "nodes", cancellationToken);

    /// <summary>The relationship count, or null when the server cannot be asked.</summary>
    public Task<long?> CountRelationshipsAsync(Neo4jTarget target, CancellationToken cancellationToken) =>
        CountAsync(target, Neo4jCommands.CountRelationships, "relationships", cancellationToken);

    private async Task<long?> CountAsync(Neo4jTarget target, string query, string what, CancellationToken cancellationToken)
    {
        var result = await CypherAsync(target, query, cancellationToken);
        if (result.Succeeded && ParseCount(result) is { } count)
        {
            return count;
        }

        _logger.LogWarning("Could not count Neo4j {What} in {Container}: {Error}", what, target.Container.Name, result.ErrorSummary);
        return null;
    }

    /// <summary>Runs <paramref name="query"/>; the number of rows it returned (the header line of the plain format aside).</summary>
    public async Task<int> SmokeQueryAsync(Neo4jTarget target, string query, CancellationToken cancellationToken)
    {
        var result = await CypherAsync(target, query, cancellationToken);
        return result.Succeeded
            ? Math.Max(0, result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1)
            : throw new Errors.OperationFailedException($"The drill's Cypher query failed: {result.ErrorSummary}");
    }

    private static long? ParseCount(Processes.ProcessResult result) =>
        long.TryParse(result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count)
            ? count
            : null;

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
    /// cancellation), waiting until it answers. When the work failed, <paramref name="bench"/> is removed
    /// first: a command still running in it would hold the store lock. The restart's own error is joined to
    /// the work's, never replaces it. A server that was stopped before is left stopped. Returns when Neo4j went
    /// down and came back.
    /// </summary>
    public async Task<Neo4jDowntime?> WhileStoppedAsync(Neo4jTarget target, string journalRoot, Func<Task> work, Neo4jWorkbench? bench = null)
    {
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
            if (bench is not null)
            {
                await bench.DisposeAsync();
            }
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

        return downtime;
    }

    /// <summary>
    /// A workbench for a dump: the backup directory <paramref name="directory"/> (created here, writable by
    /// whoever neo4j-admin runs as) is bind-mounted unless Neo4j:DumpTransfer says stream; whether the engine
    /// sees it is probed. Started while Neo4j still runs. <paramref name="stream"/> asks for the dump on standard
    /// output whatever the setting: an encrypted backup never writes the plaintext dump to a file.
    /// </summary>
    public async Task<Neo4jWorkbench> StartDumpWorkbenchAsync(Neo4jTarget target, string directory, CancellationToken cancellationToken, bool stream = false)
    {
        var transfer = _options.DumpTransfer.Trim().ToLowerInvariant();
        if (stream || transfer == Neo4jDumpTransfer.Stream)
        {
            return await StartWorkbenchAsync(target, null, null, cancellationToken);
        }

        Directory.CreateDirectory(directory);
        // neo4j-admin writes here as uid 7474 (or the server's user), whoever runs summit-dr. Sticky, as /tmp
        // is: nobody can replace a file another user wrote.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("1777", 8));
        }

        var probe = Path.Combine(directory, ".summit-dr-probe-" + Guid.NewGuid().ToString("N")[..12]);
        await File.WriteAllBytesAsync(probe, [], cancellationToken);
        try
        {
            var bench = await StartWorkbenchAsync(target, new BindMount(directory, Neo4jWorkbench.MountPoint), (probe, $"{Neo4jWorkbench.MountPoint}/{Path.GetFileName(probe)}"), cancellationToken);
            if (!bench.SeesMount && transfer == Neo4jDumpTransfer.BindMount)
            {
                await bench.DisposeAsync();
                throw new PreconditionException($"Neo4j:DumpTransfer is {Neo4jDumpTransfer.BindMount}, but the docker engine does not see {directory}. Set Neo4j:DumpTransfer to auto or stream.");
            }

            return bench;
        }
        finally
        {
            File.Delete(probe);
        }
    }

    /// <summary>
    /// A workbench for a load or a read: the dump file is bind-mounted read-only as DATABASE.dump, unless it
    /// must be streamed (the setting says so, or there is no file to mount: <paramref name="dumpPath"/> is null
    /// for an encrypted dump).
    /// </summary>
    public Task<Neo4jWorkbench> StartLoadWorkbenchAsync(Neo4jTarget target, string? dumpPath, CancellationToken cancellationToken) =>
        dumpPath is null || string.Equals(_options.DumpTransfer.Trim(), Neo4jDumpTransfer.Stream, StringComparison.OrdinalIgnoreCase)
            ? StartWorkbenchAsync(target, null, null, cancellationToken)
            : StartWorkbenchAsync(target, new BindMount(dumpPath, MountedDump(target), ReadOnly: true), (dumpPath, MountedDump(target)), cancellationToken);

    /// <summary>A workbench with no mount, for moving stores around in the volume.</summary>
    public Task<Neo4jWorkbench> StartWorkbenchAsync(Neo4jTarget target, CancellationToken cancellationToken) =>
        StartWorkbenchAsync(target, null, null, cancellationToken);

    private Task<Neo4jWorkbench> StartWorkbenchAsync(Neo4jTarget target, BindMount? mount, (string, string)? probe, CancellationToken cancellationToken) =>
        Neo4jWorkbench.StartAsync(_docker, target, mount, probe, StartTimeout, _logger, cancellationToken);

    private static string MountedDump(Neo4jTarget target) => $"{Neo4jWorkbench.MountPoint}/{target.Database}.dump";

    /// <summary>
    /// Dumps the stopped database: into the bind-mounted directory when the engine sees it (returns the file
    /// neo4j-admin wrote there), else to <paramref name="stream"/> (returns null).
    /// </summary>
    public async Task<string?> DumpAsync(Neo4jWorkbench bench, string directory, Stream? stream, CancellationToken cancellationToken)
    {
        var target = bench.Target;
        var failure = $"neo4j-admin dump of database '{target.Database}' failed";
        if (!bench.SeesMount)
        {
            Require(await bench.ExecAsync(Neo4jCommands.DumpToStdout(target.Database, target.Syntax), cancellationToken, output: stream), failure);
            return null;
        }

        Require(await bench.ExecAsync(Neo4jCommands.DumpToPath(target.Database, target.Syntax, Neo4jWorkbench.MountPoint), cancellationToken), failure);
        var dump = Path.Combine(directory, target.Database + ".dump");
        return File.Exists(dump)
            ? dump
            : throw new OperationFailedException($"{failure}: it wrote no {Path.GetFileName(dump)} into {directory}. Set Neo4j:DumpTransfer=stream and try again.");
    }

    /// <summary>Loads the dump over the (stopped) database: from the mounted file when the engine sees it, else streamed through `docker exec -i`.</summary>
    public async Task LoadAsync(Neo4jWorkbench bench, Func<Stream> dump, CancellationToken cancellationToken)
    {
        var target = bench.Target;
        var failure = $"neo4j-admin load of database '{target.Database}' failed";
        if (bench.SeesMount)
        {
            Require(await bench.ExecAsync(Neo4jCommands.LoadFromPath(target.Database, target.Syntax, Neo4jWorkbench.MountPoint), cancellationToken), failure);
            return;
        }

        await using var input = dump();
        Require(await bench.ExecAsync(Neo4jCommands.LoadFromStdin(target.Database, target.Syntax), cancellationToken, input: input), failure);
    }

    /// <summary>
    /// Asks neo4j-admin to read the dump without loading it (5.x `load --info`): the mounted file when the
    /// engine sees it, else <paramref name="dump"/> streamed in. Returns its report, or null where the image has no
    /// such command (4.4). Throws <see cref="IntegrityException"/> when neo4j-admin cannot read it.
    /// </summary>
    public async Task<string?> ReadDumpInfoAsync(Neo4jWorkbench bench, Func<Stream> dump, string file, CancellationToken cancellationToken)
    {
        var target = bench.Target;
        var command = bench.SeesMount
            ? Neo4jCommands.InfoFromPath(target.Database, target.Syntax, Neo4jWorkbench.MountPoint)
            : Neo4jCommands.InfoFromStdin(target.Database, target.Syntax);
        if (command is null)
        {
            return null;
        }

        Processes.ProcessResult result;
        if (bench.SeesMount)
        {
            result = await bench.ExecAsync(command, cancellationToken);
        }
        else
        {
            await using var input = dump();
            result = await bench.ExecAsync(command, cancellationToken, input: input);
        }

        return result.Succeeded
            ? result.StandardOutput.Trim()
            : throw new IntegrityException($"neo4j-admin cannot read {file}: {result.ErrorSummary}");
    }

    /// <summary>For `check`, which needs no server: a one-off with /data on tmpfs reads the dump fed to it.</summary>
    public async Task<string?> ReadDumpInfoAsync(Neo4jTarget target, Stream dump, string file, CancellationToken cancellationToken)
    {
        if (Neo4jCommands.InfoFromStdin(target.Database, target.Syntax) is not { } command)
        {
            return null;
        }

        var oneOff = Neo4jOneOffs.Info(target, command);
        try
        {
            var result = await _docker.RunAsync(_docker.Spec(DockerArgs.RunOneOff(oneOff)) with { StandardInput = dump }, cancellationToken);
            return result.Succeeded
                ? string.Join('\n', result.StandardOutput.Split('\n').Where(l => !l.StartsWith("Warning:", StringComparison.Ordinal))).Trim()
                : throw new IntegrityException($"neo4j-admin cannot read {file}: {result.ErrorSummary}");
        }
        finally
        {
            await Neo4jWorkbench.RemoveQuietlyAsync(_docker, oneOff.Name, _logger);
        }
    }

    /// <summary>
    /// Moves the (stopped) database's store and transaction logs aside under the name <paramref name="kept"/>,
    /// in the same volume and outside /data/databases, so Neo4j never takes them for a database: two renames,
    /// not a copy.
    /// </summary>
    public Task MoveStoreAsideAsync(Neo4jWorkbench bench, string kept, CancellationToken cancellationToken) =>
        MoveStoreAsync(bench, Neo4jStoreLayout.Live(bench.Target.Database), Neo4jStoreLayout.Kept(kept, bench.Target.Database), cancellationToken);

    /// <summary>Puts a store kept aside back in place: what is in place now goes to <paramref name="discard"/> first.</summary>
    public async Task PutStoreBackAsync(Neo4jWorkbench bench, string kept, string discard, CancellationToken cancellationToken)
    {
        var database = bench.Target.Database;
        await MoveStoreAsync(bench, Neo4jStoreLayout.Live(database), Neo4jStoreLayout.Kept(discard, database), cancellationToken);
        await MoveStoreAsync(bench, Neo4jStoreLayout.Kept(kept, database), Neo4jStoreLayout.Live(database), cancellationToken);
    }

    /// <summary>Removes a store kept (or discarded) under the name <paramref name="kept"/> from the volume.</summary>
    public async Task RemoveKeptAsync(Neo4jWorkbench bench, string kept, CancellationToken cancellationToken)
    {
        var layout = Neo4jStoreLayout.Kept(kept, bench.Target.Database);
        Require(await bench.ExecAsync(["rm", "-rf", layout.Store, layout.Transactions], cancellationToken), $"Could not remove {layout.Store} from Neo4j's volume");
    }

    /// <summary>Bytes of the store kept under the name <paramref name="kept"/>, or null when it cannot be measured.</summary>
    public async Task<long?> KeptSizeAsync(string container, string database, string kept, CancellationToken cancellationToken)
    {
        var layout = Neo4jStoreLayout.Kept(kept, database);
        var result = await _docker.RunAsync(_docker.Spec(DockerArgs.Exec(container, ["du", "-s", "-k", "-c", layout.Store, layout.Transactions])), cancellationToken);
        // With -c the last line is the total of what exists; a store without transaction logs still counts.
        var total = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Split('\t')[0].Trim();
        return long.TryParse(total, NumberStyles.Integer, CultureInfo.InvariantCulture, out var kib) && kib > 0 ? kib * 1024 : null;
    }

    /// <summary>The store and its transaction logs, side by side: two renames within the volume.</summary>
    private static async Task MoveStoreAsync(Neo4jWorkbench bench, Neo4jStoreLayout from, Neo4jStoreLayout to, CancellationToken cancellationToken)
    {
        async Task Move(string source, string destination)
        {
            var result = await bench.ExecAsync(["mv", "-T", source, destination], cancellationToken);
            // A database that never wrote a transaction log has none to move.
            if (!result.Succeeded && !(result.StandardError.Contains("cannot stat", StringComparison.OrdinalIgnoreCase) && result.StandardError.Contains(source, StringComparison.Ordinal)))
            {
                throw new OperationFailedException($"Could not move {source} to {destination} in Neo4j's volume: {result.ErrorSummary}");
            }
        }

        await Task.WhenAll(Move(from.Store, to.Store), Move(from.Transactions, to.Transactions));
    }

    private static void Require(Processes.ProcessResult result, string failure)
    {
        if (result.Succeeded)
        {
            return;
        }

        if (DiskFull.IsIn(result.StandardError))
        {
            throw new DiskFullException($"{failure}: {DiskFull.Message}");
        }

        throw new OperationFailedException($"{failure}: {result.ErrorSummary}");
    }

    /// <summary>Starts the container and waits until cypher-shell answers, on its own deadline; returns the node count it answered with.</summary>
    public async Task<long?> StartAndWaitAsync(Neo4jTarget target, CancellationToken cancellationToken)
    {
        await _docker.StartAsync(target.Container.Name, cancellationToken);
        return await WaitUntilAnswersAsync(target, cancellationToken);
    }

    /// <summary>
    /// Asks for the node count until Neo4j answers: the question that proves it serves is the one a restore
    /// needs answered anyway. Returns the count, or null when the credentials are not known (an
    /// authentication failure is an answer too: the server is up).
    /// </summary>
    public async Task<long?> WaitUntilAnswersAsync(Neo4jTarget target, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + StartTimeout;
        var starts = 0;
        while (true)
        {
            var result = await CypherAsync(target, Neo4jCommands.CountNodes, cancellationToken);
            if (result.Succeeded)
            {
                return ParseCount(result);
            }

            if (result.StandardError.Contains("unauthorized", StringComparison.OrdinalIgnoreCase))
            {
                return null;
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

    /// <summary>Removes the containers a killed run may have left holding the store lock (dump and load: the names of earlier versions).</summary>
    public async Task RemoveLeftoverOneOffsAsync(string container)
    {
        foreach (var purpose in new[] { "admin", "dump", "load" })
        {
            await Neo4jWorkbench.RemoveQuietlyAsync(_docker, Neo4jOneOffs.Name(purpose, container), _logger);
        }
    }
}
