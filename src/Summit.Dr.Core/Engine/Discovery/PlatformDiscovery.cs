using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;

namespace Summit.Dr.Engine.Discovery;

/// <summary>
/// Decides which container each store uses, before an operation resolves its services, and writes the
/// effective names into the options. A name set in a file, the environment or an option always wins (and
/// falls back to the current compose project's service only when no container has that name). A name that
/// is only the built-in default loses to the current compose project's service, so a run inside one
/// platform's directory never touches another platform that happens to use the runbook's names. A container
/// found as a compose service lends its environment (POSTGRES_USER, POSTGRES_DB) to settings nobody set.
/// Every run says which container it uses for each store and why.
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
    private readonly Dictionary<string, ContainerChoice> _choices = new(StringComparer.Ordinal);

    public PlatformDiscovery(
        DockerCli docker, IOptions<SummitDrOptions> options, SettingSources sources, WorkingDirectory workingDirectory,
        ILogger<PlatformDiscovery> logger)
    {
        _docker = docker;
        _options = options.Value;
        _sources = sources;
        _workingDirectory = workingDirectory;
        _logger = logger;
    }

    /// <summary>
    /// The compose project: COMPOSE_PROJECT_NAME, else the working directory's name as compose derives it
    /// (lower case, only letters, digits, `_` and `-`, starting with a letter or digit).
    /// </summary>
    public string ComposeProject => Environment.GetEnvironmentVariable("COMPOSE_PROJECT_NAME") is { Length: > 0 } name
        ? name
        : LeadingNonAlphanumerics().Replace(
            NotProjectCharacters().Replace(Path.GetFileName(_workingDirectory.Path.TrimEnd('/')).ToLowerInvariant(), string.Empty),
            string.Empty);

    /// <summary>What helps find a missing container (a compose service of that name elsewhere), or null.</summary>
    public string? HintFor(string key) => _choices.TryGetValue(key, out var choice) ? choice.Hint : null;

    public ContainerChoice? ChoiceFor(string key) => _choices.GetValueOrDefault(key);

    /// <summary>The container discovery inspected for this setting, when it is the one named: no need to inspect it again.</summary>
    public ContainerInfo? Inspected(string key, string name) =>
        ChoiceFor(key) is { Container: { } container } && container.Name == name ? container : null;

    /// <summary>Chooses once per run; a later call (the recovery of a dead run's journal, then the command) finds it done.</summary>
    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        if (_choices.Count > 0)
        {
            return;
        }

        // The two stores are looked up side by side; each writes only its own settings.
        var postgresChoice = ChooseAsync("PostgreSQL", "Postgres:Container", "postgres", _options.Postgres.Container, cancellationToken);
        var neo4jChoice = ChooseAsync("Neo4j", "Neo4j:Container", "neo4j", _options.Neo4j.Container, cancellationToken);
        var (postgres, neo4j) = (await postgresChoice, await neo4jChoice);
        Apply(postgres, v => _options.Postgres.Container = v);
        Apply(neo4j, v => _options.Neo4j.Container = v);
        if (postgres is { FromCompose: true, Container: { } found })
        {
            var user = found.Environment.GetValueOrDefault("POSTGRES_USER");
            Fill("Postgres:User", user, "POSTGRES_USER", found.Name, v => _options.Postgres.User = v);
            Fill("Postgres:Database", found.Environment.GetValueOrDefault("POSTGRES_DB") ?? user, "POSTGRES_DB", found.Name, v =>
                _options.Postgres.Database = v);
        }
    }

    private void Apply(ContainerChoice choice, Action<string> set)
    {
        _choices[choice.Key] = choice;
        if (choice.FromCompose)
        {
            set(choice.Name);
            _sources.RecordDiscovered(choice.Key, $"compose discovery (project {ComposeProject}, service " +
                $"{choice.Key.Split(':')[0].ToLowerInvariant()})");
        }

        if (choice.Container is null)
        {
            _logger.LogInformation("{What}: no container '{Name}' ({Reason})", choice.What, choice.Name, choice.Reason);
        }
        else
        {
            _logger.LogInformation("{What}: container '{Name}' ({Reason})", choice.What, choice.Name, choice.Reason);
        }
    }

    private async Task<ContainerChoice> ChooseAsync(
        string what, string key, string service, string named, CancellationToken cancellationToken)
    {
        var project = ComposeProject;
        var configured = _sources.IsSet(key);
        var source = _sources.SourceOf(key);
        ContainerChoice choice;
        if (configured && await _docker.InspectAsync(named, cancellationToken) is { } byName)
        {
            choice = new ContainerChoice(what, key, named, $"set in {source}", byName, FromCompose: false, Hint: null);
        }
        else if (await ServiceAsync(project, service, key, cancellationToken) is { } composed)
        {
            var why = configured
                ? $"'{named}' set in {source} does not exist; compose project '{project}', service '{service}'"
                : $"compose project '{project}', service '{service}'";
            choice = new ContainerChoice(what, key, composed.Name, why, composed, FromCompose: true, Hint: null);
        }
        else if (!configured && await _docker.InspectAsync(named, cancellationToken) is { } byDefault)
        {
            choice = new ContainerChoice(what, key, named, $"default name; compose project '{project}' has no service " +
                $"'{service}'", byDefault, FromCompose: false, Hint: null);
        }
        else
        {
            var why = configured ? $"set in {source}" : "default name";
            choice = new ContainerChoice(
                what, key, named, why, null, FromCompose: false, await ElsewhereAsync(project, service, key, cancellationToken));
        }

        return choice;
    }

    /// <summary>The current compose project's container for the service; null when it has none; exit 3 when it has several.</summary>
    private async Task<ContainerInfo?> ServiceAsync(string project, string service, string key, CancellationToken cancellationToken)
    {
        var names = await NamesAsync([$"label={ProjectLabel}={project}", $"label={ServiceLabel}={service}"], cancellationToken);
        if (names.Count > 1)
        {
            throw new PreconditionException(
                $"Compose project '{project}' has {names.Count} containers for service '{service}': " +
                    $"{string.Join(", ", names.Order(StringComparer.Ordinal))}. Set {key} to the one to use.");
        }

        return names.Count == 0 ? null : await _docker.InspectAsync(names[0], cancellationToken);
    }

    /// <summary>How to select a container of the service that belongs to another compose project, or null when there is none.</summary>
    private async Task<string?> ElsewhereAsync(string project, string service, string key, CancellationToken cancellationToken)
    {
        var found = new List<ContainerInfo>();
        foreach (var name in await NamesAsync([$"label={ServiceLabel}={service}"], cancellationToken))
        {
            if (await _docker.InspectAsync(name, cancellationToken) is { } container)
            {
                found.Add(container);
            }
        }

        if (found.Count == 0)
        {
            return null;
        }

        var listed = string.Join(", ", found.OrderBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => $"'{c.Name}' (compose project '{c.Labels.GetValueOrDefault(ProjectLabel, "?")}')"));
        var first = found.OrderBy(c => c.Name, StringComparer.Ordinal).First();
        var otherProject = first.Labels.GetValueOrDefault(ProjectLabel, "?");
        return $"This directory's compose project is '{project}', which has no service '{service}'; other compose projects do: {listed}. " +
            $"Select one by running from its project's directory, with COMPOSE_PROJECT_NAME={otherProject}, or with --set " +
                $"{key}={first.Name}.";
    }

    private async Task<IReadOnlyList<string>> NamesAsync(string[] labelFilters, CancellationToken cancellationToken)
    {
        var arguments = new List<string> { "ps", "--all" };
        foreach (var filter in labelFilters)
        {
            arguments.Add("--filter");
            arguments.Add(filter);
        }

        arguments.AddRange(["--format", "{{.Names}}"]);
        var result = await _docker.RunAsync(_docker.Spec(arguments), cancellationToken);
        return result.Succeeded
            ? result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
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

    [GeneratedRegex("^[^a-z0-9]+")]
    private static partial Regex LeadingNonAlphanumerics();
}
