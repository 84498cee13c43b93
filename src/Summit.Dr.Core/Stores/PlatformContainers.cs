using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Discovery;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Stores.Neo4j;

namespace Summit.Dr.Stores;

/// <summary>The platform's two containers as an operation needs them, found as discovery chose them, or a precondition failure (exit 3)
/// that says how to find them.</summary>
public sealed class PlatformContainers(DockerCli docker, PlatformDiscovery discovery, Neo4jQueries neo4j, IOptions<SummitDrOptions> options)
{
    private const string PostgresKey = "Postgres:Container";
    private const string Neo4jKey = "Neo4j:Container";

    /// <summary>The running PostgreSQL container; <paramref name="then"/> says what to run once it is started.</summary>
    public Task<ContainerInfo> PostgresAsync(string then, CancellationToken cancellationToken)
    {
        var name = options.Value.Postgres.Container;
        return docker.RequireRunningAsync(
            name, "PostgreSQL", PostgresKey, then, discovery.HintFor(PostgresKey), discovery.Inspected(PostgresKey, name),
            cancellationToken);
    }

    /// <summary>The PostgreSQL container, running or not (a restore to a point in time may have left it stopped).</summary>
    public Task<ContainerInfo> PostgresInspectedAsync(CancellationToken cancellationToken)
    {
        var name = options.Value.Postgres.Container;
        return docker.RequireAsync(
            name, "PostgreSQL", PostgresKey, discovery.HintFor(PostgresKey), discovery.Inspected(PostgresKey, name), cancellationToken);
    }

    /// <summary>The PostgreSQL container when it runs; null when it is stopped or gone.</summary>
    public async Task<ContainerInfo?> PostgresOrNullAsync(CancellationToken cancellationToken)
    {
        var name = options.Value.Postgres.Container;
        var info = discovery.Inspected(PostgresKey, name) ?? await docker.InspectAsync(name, cancellationToken);
        return info is { Running: true } ? info : null;
    }

    /// <summary>The Neo4j container, running or not, described with its version and credentials.</summary>
    public async Task<Neo4jTarget> Neo4jAsync(CancellationToken cancellationToken)
    {
        var name = options.Value.Neo4j.Container;
        return neo4j.Describe(
            await docker.RequireAsync(
                name, "Neo4j", Neo4jKey, discovery.HintFor(Neo4jKey), discovery.Inspected(Neo4jKey, name), cancellationToken));
    }
}
