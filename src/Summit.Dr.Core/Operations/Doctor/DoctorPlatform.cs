using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Discovery;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Progress;
using Summit.Dr.Stores.Neo4j;
using Summit.Dr.Stores.Postgres;

namespace Summit.Dr.Operations.Doctor;

/// <summary>The doctor's look at the engine and the platform's containers: reachable, found (and how), running, and how large their stores
/// are.</summary>
public sealed class DoctorPlatform(
    DockerCli docker, PlatformDiscovery discovery, Neo4jQueries neo4j, PostgresService postgres, IOptions<SummitDrOptions> options)
{
    private readonly SummitDrOptions _options = options.Value;

    /// <summary>
    /// Adds the engine's and the containers' checks; returns the stores' sizes, where they could be measured, and where Neo4j's
    /// password comes from when it is not configured (the container's NEO4J_AUTH).
    /// </summary>
    public async Task<(long? Postgres, long? Neo4j, string? Neo4jAuth)> CheckAsync(
        List<HealthCheck> checks, CancellationToken cancellationToken)
    {
        if (!await DockerReadyAsync(checks, cancellationToken))
        {
            return (null, null, null);
        }

        try
        {
            await discovery.ApplyAsync(cancellationToken);
        }
        catch (PreconditionException ex)
        {
            checks.Add(new HealthCheck("discovery", false, ex.Message));
        }

        var postgresBytes = await PostgresAsync(checks, cancellationToken);
        var (neo4jBytes, auth) = await Neo4jAsync(checks, cancellationToken);
        return (postgresBytes, neo4jBytes, auth);
    }

    private async Task<bool> DockerReadyAsync(List<HealthCheck> checks, CancellationToken cancellationToken)
    {
        ProcessResult version;
        try
        {
            version = await docker.RunAsync(docker.Spec(["--version"]), cancellationToken);
        }
        catch (PreconditionException ex)
        {
            checks.Add(new HealthCheck("docker cli", false, ex.Message));
            return false;
        }

        checks.Add(new HealthCheck("docker cli", version.Succeeded, version.Succeeded ? $"{docker.Executable}: " +
            $"{version.StandardOutput.Trim()}" : version.ErrorSummary));
        try
        {
            // `version`'s Server.Version is the engine's on docker and podman alike (info's ServerVersion is docker's alone).
            var info = await docker.RunAsync(docker.Spec(["version", "--format", "{{.Server.Version}}"]), cancellationToken);
            checks.Add(new HealthCheck("docker daemon", info.Succeeded, info.Succeeded ? $"reachable, server " +
                $"{info.StandardOutput.Trim()}" : $"{info.ErrorSummary}: start the Docker engine"));
            return info.Succeeded;
        }
        catch (PreconditionException ex)
        {
            checks.Add(new HealthCheck("docker daemon", false, ex.Message));
            return false;
        }
    }

    private async Task<long?> PostgresAsync(List<HealthCheck> checks, CancellationToken cancellationToken)
    {
        var name = _options.Postgres.Container;
        var container = await docker.InspectAsync(name, cancellationToken);
        checks.Add(ContainerCheck("postgres container", name, "Postgres:Container", container));
        if (container is not { Running: true })
        {
            return null;
        }

        try
        {
            var facts = await postgres.CollectFactsAsync(name, null, cancellationToken);
            checks.Add(new HealthCheck("postgres database", true,
                $"{_options.Postgres.Database} as {_options.Postgres.User}: {LoggingProgressReporter.FormatBytes(facts.DatabaseBytes)}, " +
                    $"{facts.TableCount} tables"));
            return facts.DatabaseBytes;
        }
        catch (OperationFailedException ex)
        {
            checks.Add(new HealthCheck("postgres database", false, ex.Message));
            return null;
        }
    }

    private async Task<(long? Bytes, string? Auth)> Neo4jAsync(List<HealthCheck> checks, CancellationToken cancellationToken)
    {
        var name = _options.Neo4j.Container;
        var container = await docker.InspectAsync(name, cancellationToken);
        checks.Add(ContainerCheck("neo4j container", name, "Neo4j:Container", container));
        if (container is null)
        {
            return (null, null);
        }

        var target = neo4j.Describe(container);
        checks.Add(new HealthCheck("neo4j version", true,
            $"{target.Version ?? "unknown (5.x assumed)"}; neo4j-admin " +
                $"{(target.Syntax == Neo4jAdminSyntax.V5 ? "5.x `database dump|load`" : "4.4 `dump|load`")} syntax; " +
            $"credentials {(target.Credentials.Password is null ? "unknown: node counts are skipped" : "known")}"));
        var auth = string.IsNullOrEmpty(_options.Neo4j.Password) && target.Credentials.Password is not null
            ? $"container environment (NEO4J_AUTH of {name})" : null;
        return (await neo4j.StoreSizeAsync(target, cancellationToken), auth);
    }

    /// <summary>How the container was chosen (configured, a compose service, the default name), and what to do when it is
    /// missing.</summary>
    private HealthCheck ContainerCheck(string check, string name, string key, ContainerInfo? container)
    {
        var choice = discovery.ChoiceFor(key);
        var how = choice?.Reason ?? "configured name";
        var neo4j = check.StartsWith("neo4j", StringComparison.Ordinal);
        return container switch
        {
            null => new HealthCheck(check, false, $"'{name}' not found ({how}). " +
                (choice?.Hint ?? $"List containers with `{docker.CommandName} ps -a` and set {key}")),
            { Running: false } => new HealthCheck(check, neo4j, $"'{name}' ({how}), {container.Image}, {container.Status}" +
                (neo4j ? " (a stopped Neo4j is dumped offline)" : $": start it with `{docker.CommandName} start {name}`")),
            _ => new HealthCheck(check, true, $"'{name}' ({how}), {container.Image}, running"),
        };
    }

}
