using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Docker;
using Summit.Dr.Errors;

namespace Summit.Dr.Discovery;

/// <summary>
/// Zero-config for compose stacks: when a configured container does not exist, the container of the current
/// compose project whose `com.docker.compose.service` label names the service is used; settings nobody set
/// are read from the container's environment (POSTGRES_USER, POSTGRES_DB; NEO4J_AUTH is read where it is
/// used). Runs before an operation resolves its services, and writes the effective values into the options.
/// </summary>
public sealed partial class PlatformDiscovery
{
    public const string ProjectLabel = "com.docker.compose.project";
    public const string ServiceLabel = "com.docker.compose.service";

    private readonly DockerCli _docker;
    private readonly SummitDrOptions _options;
    private readonly SettingSources _sources;
    private readonly WorkingDirectory _workingDirectory;
    private readonly ILogger<PlatformDiscovery> _logger;

    public PlatformDiscovery(DockerCli docker, IOptions<SummitDrOptions> options, SettingSources sources, WorkingDirectory workingDirectory, ILogger<PlatformDiscovery> logger)
    {
        _docker = docker;
        _options = options.Value;
        _sources = sources;
        _workingDirectory = workingDirectory;
        _logger = logger;
    }

    /// <summary>The compose project: COMPOSE_PROJECT_NAME, else the working directory's name as compose derives it.</summary>
    public string ComposeProject => Environment.GetEnvironmentVariable("COMPOSE_PROJECT_NAME") is { Length: > 0 } name
        ? name
        : NotProjectCharacters().Replace(Path.GetFileName(_workingDirectory.Path.TrimEnd('/')).ToLowerInvariant(), string.Empty);

    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        // Only a container found by discovery lends its environment: one found under its configured name keeps
        // the runbook's defaults, so a stray POSTGRES_USER cannot silently switch the database that is backed up.
        var postgres = await DiscoverAsync(_options.Postgres.Container, "postgres", "Postgres:Container", v => _options.Postgres.Container = v, cancellationToken);
        if (postgres is not null)
        {
            var user = postgres.Environment.GetValueOrDefault("POSTGRES_USER");
            Fill("Postgres:User", user, "POSTGRES_USER", postgres.Name, v => _options.Postgres.User = v);
            Fill("Postgres:Database", postgres.Environment.GetValueOrDefault("POSTGRES_DB") ?? user, "POSTGRES_DB", postgres.Name, v => _options.Postgres.Database = v);
        }

        await DiscoverAsync(_options.Neo4j.Container, "neo4j", "Neo4j:Container", v => _options.Neo4j.Container = v, cancellationToken);
    }

    /// <summary>The container discovery found in place of a configured one that does not exist, or null.</summary>
    private async Task<ContainerInfo?> DiscoverAsync(string configured, string service, string key, Action<string> set, CancellationToken cancellationToken)
    {
        if (await _docker.InspectAsync(configured, cancellationToken) is not null)
        {
            return null;
        }

        var project = ComposeProject;
        var result = await _docker.RunAsync(_docker.Spec(
            ["ps", "--all", "--filter", $"label={ProjectLabel}={project}", "--filter", $"label={ServiceLabel}={service}", "--format", "{{.Names}}"]), cancellationToken);
        var names = result.Succeeded ? result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
        if (names.Length > 1)
        {
            throw new PreconditionException(
                $"Container '{configured}' does not exist and compose project '{project}' has {names.Length} containers for service '{service}': {string.Join(", ", names.Order(StringComparer.Ordinal))}. Set {key} to one of them.");
        }

        if (names.Length == 0 || await _docker.InspectAsync(names[0], cancellationToken) is not { } found)
        {
            return null;
        }

        set(found.Name);
        _sources.RecordDiscovered(key, $"compose discovery (project {project}, service {service})");
        _logger.LogInformation("Container '{Configured}' does not exist; using '{Found}', service '{Service}' of compose project '{Project}'", configured, found.Name, service, project);
        return found;
    }

    private void Fill(string key, string? value, string variable, string container, Action<string> set)
    {
        if (_sources.IsSet(key) || string.IsNullOrEmpty(value))
        {
            return;
        }

        set(value);
        _sources.RecordDiscovered(key, $"container environment ({variable} of {container})");
    }

    [GeneratedRegex("[^a-z0-9_-]")]
    private static partial Regex NotProjectCharacters();
}
