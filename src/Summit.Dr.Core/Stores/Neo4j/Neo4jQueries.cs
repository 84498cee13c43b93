using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Steps;

namespace Summit.Dr.Stores.Neo4j;

/// <summary>What the tool asks a Neo4j server: who it is, how big its store is, how many nodes it holds, whether it answers.</summary>
public sealed class Neo4jQueries
{
    // Short enough that a quick start is not billed a fraction of a second more; a poll is one `docker exec`.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly DockerCli _docker;
    private readonly Neo4jOptions _options;
    private readonly ScriptRunner _scripts;
    private readonly ILogger<Neo4jQueries> _logger;

    public Neo4jQueries(DockerCli docker, IOptions<SummitDrOptions> options, ScriptRunner scripts, ILogger<Neo4jQueries> logger)
    {
        _docker = docker;
        _options = options.Value.Neo4j;
        _scripts = scripts;
        _logger = logger;
    }

    public TimeSpan StopTimeout => TimeSpan.FromSeconds(_options.StopTimeoutSeconds);

    public TimeSpan StartTimeout => TimeSpan.FromSeconds(_options.StartTimeoutSeconds);

    public Neo4jTarget Describe(ContainerInfo container)
    {
        var version = Neo4jVersions.FromImage(container.Image, container.Environment);
        return new Neo4jTarget(
            container, _options.Database, version, Neo4jVersions.SyntaxFor(version, _options.AdminSyntax), ResolveCredentials(container));
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

    /// <summary>The `cypher-shell` a poll or a count runs, with the credentials' names only (their values travel in the
    /// environment).</summary>
    public ProcessSpec CypherSpec(Neo4jTarget target, string query) =>
        _docker.Spec(
            DockerArgs.Exec(
                target.Container.Name, Neo4jCommands.Cypher(query),
                Neo4jCredentials.EnvironmentNames)) with { Environment = target.Credentials.Environment };

    /// <summary>The node count, or null when the server cannot be asked (no credentials, not answering).</summary>
    public Task<long?> CountNodesAsync(Neo4jTarget target, CancellationToken cancellationToken) =>
        CountAsync(target, Neo4jCommands.CountNodes, "nodes", cancellationToken);

    /// <summary>The relationship count, or null when the server cannot be asked.</summary>
    public Task<long?> CountRelationshipsAsync(Neo4jTarget target, CancellationToken cancellationToken) =>
        CountAsync(target, Neo4jCommands.CountRelationships, "relationships", cancellationToken);

    /// <summary>The node and relationship counts, asked in one question; nulls when the server cannot be asked.</summary>
    public async Task<(long? Nodes, long? Relationships)> CountBothAsync(Neo4jTarget target, CancellationToken cancellationToken)
    {
        var result = await _docker.RunAsync(CypherSpec(target, Neo4jCommands.CountNodesAndRelationships), cancellationToken);
        var row = result.Succeeded
            ? result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
            : null;
        if (row?.Split(',', StringSplitOptions.TrimEntries) is [var nodes, var relationships]
            && long.TryParse(nodes, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            && long.TryParse(relationships, NumberStyles.Integer, CultureInfo.InvariantCulture, out var r))
        {
            return (n, r);
        }

        _logger.LogWarning("Could not count Neo4j nodes and relationships in {Container}: {Error}", target.Container.Name,
            result.Succeeded ? $"unexpected answer '{row}'" : result.ErrorSummary);
        return (null, null);
    }

    private async Task<long?> CountAsync(Neo4jTarget target, string query, string what, CancellationToken cancellationToken)
    {
        var result = await _docker.RunAsync(CypherSpec(target, query), cancellationToken);
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
        var result = await _docker.RunAsync(CypherSpec(target, query), cancellationToken);
        return result.Succeeded
            ? Math.Max(0, result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1)
            : throw new OperationFailedException($"The drill's Cypher query failed: {result.ErrorSummary}");
    }

    private static long? ParseCount(ProcessResult result) =>
        long.TryParse(
            result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(),
            NumberStyles.Integer, CultureInfo.InvariantCulture, out var count)
            ? count
            : null;

    /// <summary>The `du` that sizes the store, in the running server or, for a stopped one, in a one-off that shares its volumes.</summary>
    public ProcessSpec StoreSizeSpec(Neo4jTarget target)
    {
        IReadOnlyList<string> du = ["du", "-s", "-k", $"/data/databases/{target.Database}"];
        return target.Container.Running
            ? _docker.Spec(DockerArgs.Exec(target.Container.Name, du))
            : _docker.Spec(
                DockerArgs.RunOneOff(
                    new OneOffSpec(Neo4jOneOffs.Name("size", target.Container.Name), target.Container.Image, [.. du.Skip(1)])
            {
                VolumesFrom = target.Container.Name,
                Entrypoint = "du",
            }));
    }

    /// <summary>The database's size on disk (`du` of its store directory), an upper bound for its dump; null when it cannot be
    /// read.</summary>
    public async Task<long?> StoreSizeAsync(Neo4jTarget target, CancellationToken cancellationToken)
    {
        var result = await _docker.RunAsync(StoreSizeSpec(target), cancellationToken);
        return result.Succeeded
            && long.TryParse(result.StandardOutput.Split('\t')[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var kib)
            ? kib * 1024
            : null;
    }

    /// <summary>
    /// Starts the container and asks for the node count every 0.1 s until Neo4j answers: the question that proves it
    /// serves is the one a restore needs answered anyway. Hands the count to <paramref name="answered"/>, or null when
    /// the credentials are not known (an authentication failure is an answer too: the server is up).
    /// </summary>
    public Script Start(Neo4jTarget target, Action<long?> answered)
    {
        var name = target.Container.Name;
        var starts = 0;
        ProcessResult? last = null;
        var start = _docker.Spec(DockerArgs.Start(name));
        return Script.Run(start, $"`{start.Display}` " +
            $"failed").Then(new PollCommand(CypherSpec(target, Neo4jCommands.CountNodes), async (result, context) =>
        {
            last = result;
            if (result.Succeeded || Neo4jText.IsUnauthorized(result.StandardError))
            {
                answered(result.Succeeded ? ParseCount(result) : null);
                return true;
            }

            if (DockerText.IsNotRunning(result.StandardError))
            {
                // A container that exits right after `docker start` will not answer however long we wait.
                if (++starts > 2)
                {
                    throw new OperationFailedException($"Neo4j container '{name}' exits right after it starts. Read " +
                        $"`{_docker.CommandName} logs {name}`, fix the cause and run `{_docker.CommandName} start {name}`.");
                }

                Judges.Check(await context.RunAsync(start), $"`{start.Display}` failed");
            }

            return false;
        }, PollInterval, StartTimeout, () => new OperationFailedException(
            $"Neo4j container '{name}' did not answer within {StartTimeout.TotalSeconds:0} s ({last?.ErrorSummary}). Check " +
                $"`{_docker.CommandName} logs {name}`; raise Neo4j:StartTimeoutSeconds if it is only slow."))
        {
            Note = $"every {PollInterval.TotalSeconds:0.0} s until it answers, up to {StartTimeout.TotalSeconds:0} s",
        });
    }

    /// <summary>Starts the container outside any step (the recovery of a dead run, a drill's scratch server); returns the node count it
    /// answered with.</summary>
    public async Task<long?> StartAndWaitAsync(Neo4jTarget target, CancellationToken cancellationToken)
    {
        long? nodes = null;
        await _scripts.RunAsync(Start(target, n => nodes = n), cancellationToken);
        return nodes;
    }
}
