using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Discovery;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Progress;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Neo4j;
using Summit.Dr.Stores.Postgres;
using Summit.Dr.Stores.Uploads;

namespace Summit.Dr.Operations.Verify;

/// <summary>
/// The runbook's post-restore verification, automated: every container exists and runs, PostgreSQL lists
/// its tables, Neo4j answers with its node count, the uploads directory holds files. Used by `verify` and
/// after every restore.
/// </summary>
public sealed class PlatformHealth
{
    private readonly DockerCli _docker;
    private readonly PostgresService _postgres;
    private readonly Neo4jQueries _neo4j;
    private readonly SummitDrOptions _options;
    private readonly PlatformPaths _paths;
    private readonly PlatformDiscovery _discovery;

    public PlatformHealth(DockerCli docker, PostgresService postgres, Neo4jQueries neo4j, IOptions<SummitDrOptions> options, PlatformPaths paths, PlatformDiscovery discovery)
    {
        _discovery = discovery;
        _docker = docker;
        _postgres = postgres;
        _neo4j = neo4j;
        _options = options.Value;
        _paths = paths;
    }

    /// <summary>What <see cref="CheckAsync"/> runs when it succeeds; with <paramref name="neo4jAnswered"/>, Neo4j is not asked again.</summary>
    public StepPlan Plan(IReadOnlySet<BackupComponent> components, bool neo4jAnswered)
    {
        var plan = components.Contains(BackupComponent.Postgres) ? StepPlan.Of(_postgres.FactsSpec(_postgres.Container)) : StepPlan.None;
        if (components.Contains(BackupComponent.Neo4j))
        {
            plan = neo4jAnswered
                ? plan.With("Neo4j answered with its node count when it came back: it is not asked again")
                : plan.Then(_docker.Spec(DockerArgs.Inspect(_options.Neo4j.Container)), new PlannedCommand(_docker.Spec(DockerArgs.Exec(_options.Neo4j.Container, Neo4jCommands.Cypher(Neo4jCommands.CountNodes), Neo4jCredentials.EnvironmentNames))));
        }

        return components.Contains(BackupComponent.Uploads) ? plan.With($"in process: {_paths.Uploads} holds files") : plan;
    }

    /// <summary>
    /// The stores' checks run side by side; the report lists them in the runbook's order. After a restore,
    /// <paramref name="neo4jAnswer"/> is the node count Neo4j answered with when it came back, moments ago: it
    /// is not asked again.
    /// </summary>
    public async Task<HealthReport> CheckAsync(IReadOnlySet<BackupComponent> components, CancellationToken cancellationToken, (string Container, long Nodes)? neo4jAnswer = null)
    {
        var postgres = components.Contains(BackupComponent.Postgres) ? PostgresAsync(cancellationToken) : Task.FromResult<(List<HealthCheck>, List<string>?)>(([], null));
        var neo4j = !components.Contains(BackupComponent.Neo4j)
            ? Task.FromResult<(List<HealthCheck>, long?)>(([], null))
            : neo4jAnswer is { } answer && answer.Container == _options.Neo4j.Container
                ? Task.FromResult<(List<HealthCheck>, long?)>(([
                    new HealthCheck("neo4j container", true, $"'{answer.Container}' is running"),
                    new HealthCheck("neo4j nodes", true, $"Neo4j answers: {answer.Nodes} nodes"),
                ], answer.Nodes))
                : Neo4jAsync(cancellationToken);
        var (uploadChecks, files, bytes) = components.Contains(BackupComponent.Uploads) ? Uploads() : ([], null, null);
        var (postgresChecks, tables) = await postgres;
        var (neo4jChecks, nodes) = await neo4j;
        return new HealthReport([.. postgresChecks, .. neo4jChecks, .. uploadChecks], tables, nodes, files, bytes);
    }

    /// <summary>The tables are listed first: when that works, the container runs; only when it does not is the container looked at.</summary>
    private async Task<(List<HealthCheck> Checks, List<string>? Tables)> PostgresAsync(CancellationToken cancellationToken)
    {
        var checks = new List<HealthCheck>();
        PostgresFacts facts;
        try
        {
            facts = await _postgres.CollectFactsAsync(_postgres.Container, cancellationToken);
        }
        catch (OperationFailedException ex)
        {
            if (await ContainerAsync(checks, "postgres container", _postgres.Container, "Postgres:Container", cancellationToken) is not null)
            {
                checks.Add(new HealthCheck("postgres tables", false, ex.Message));
            }

            return (checks, null);
        }

        var tables = facts.RowEstimates.Keys.ToList();
        checks.Add(new HealthCheck("postgres container", true, $"'{_postgres.Container}' is running"));
        checks.Add(new HealthCheck("postgres tables", facts.TableCount > 0, facts.TableCount > 0
            ? $"{facts.TableCount} tables in {_postgres.Database}: {string.Join(", ", tables.Take(10))}{(tables.Count > 10 ? ", ..." : string.Empty)}"
            : $"{_postgres.Database} has no tables: restore a backup (`summit-dr restore latest`) or check Postgres:Database"));
        return (checks, tables);
    }

    private async Task<(List<HealthCheck> Checks, long? Nodes)> Neo4jAsync(CancellationToken cancellationToken)
    {
        var checks = new List<HealthCheck>();
        if (await ContainerAsync(checks, "neo4j container", _options.Neo4j.Container, "Neo4j:Container", cancellationToken) is not { } container)
        {
            return (checks, null);
        }

        var nodes = await _neo4j.CountNodesAsync(_neo4j.Describe(container), cancellationToken);
        checks.Add(new HealthCheck("neo4j nodes", nodes is not null, nodes is not null
            ? $"Neo4j answers: {nodes} nodes"
            : $"Neo4j in {container.Name} does not answer cypher-shell: read `docker logs {container.Name}`, and check Neo4j:Password or NEO4J_AUTH"));
        return (checks, nodes);
    }

    private (List<HealthCheck> Checks, int? Files, long? Bytes) Uploads()
    {
        var path = _paths.Uploads;
        if (!Directory.Exists(path))
        {
            return ([new HealthCheck("uploads present", false, $"{path} does not exist: set Uploads:Path, or run from the platform's directory (--workdir)")], null, null);
        }

        var (files, bytes) = UploadsTree.Measure(path);
        return ([new HealthCheck("uploads present", files > 0, files > 0
            ? $"{files} files, {LoggingProgressReporter.FormatBytes(bytes)} in {path}"
            : $"{path} holds no files: restore the uploads (`summit-dr restore latest --only uploads`)")], files, bytes);
    }

    private async Task<ContainerInfo?> ContainerAsync(List<HealthCheck> checks, string name, string container, string key, CancellationToken cancellationToken)
    {
        var info = await _docker.InspectAsync(container, cancellationToken);
        var check = info switch
        {
            null => new HealthCheck(name, false, _discovery.HintFor(key) is { } hint
                ? $"container '{container}' does not exist. {hint}"
                : $"container '{container}' does not exist: list containers with `docker ps -a` and set {key}"),
            { Running: false } => new HealthCheck(name, false, $"container '{container}' is {info.Status}: start it with `docker start {container}`"),
            _ => new HealthCheck(name, true, $"'{container}' is running ({info.Image})"),
        };
        checks.Add(check);
        return check.Passed ? info : null;
    }
}
