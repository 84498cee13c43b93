using Microsoft.Extensions.Options;
using Summit.Dr.Backup;
using Summit.Dr.Configuration;
using Summit.Dr.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Neo4j;
using Summit.Dr.Postgres;

namespace Summit.Dr.Health;

/// <summary>
/// The runbook's post-restore verification, automated: every container exists and runs, PostgreSQL lists
/// its tables, Neo4j answers with its node count, the uploads directory holds files. Used by `verify` and
/// after every restore.
/// </summary>
public sealed class PlatformHealth
{
    private readonly DockerCli _docker;
    private readonly PostgresService _postgres;
    private readonly Neo4jService _neo4j;
    private readonly SummitDrOptions _options;
    private readonly WorkingDirectory _workingDirectory;
    private readonly Discovery.PlatformDiscovery _discovery;

    public PlatformHealth(DockerCli docker, PostgresService postgres, Neo4jService neo4j, IOptions<SummitDrOptions> options, WorkingDirectory workingDirectory, Discovery.PlatformDiscovery discovery)
    {
        _discovery = discovery;
        _docker = docker;
        _postgres = postgres;
        _neo4j = neo4j;
        _options = options.Value;
        _workingDirectory = workingDirectory;
    }

    public async Task<HealthReport> CheckAsync(IReadOnlySet<BackupComponent> components, CancellationToken cancellationToken)
    {
        var checks = new List<HealthCheck>();
        List<string>? tables = null;
        long? nodes = null;
        int? files = null;
        long? bytes = null;

        if (components.Contains(BackupComponent.Postgres) && await ContainerAsync(checks, "postgres container", _postgres.Container, "Postgres:Container", cancellationToken) is not null)
        {
            try
            {
                var facts = await _postgres.CollectFactsAsync(_postgres.Container, cancellationToken);
                tables = facts.RowEstimates.Keys.ToList();
                checks.Add(new HealthCheck("postgres tables", facts.TableCount > 0, facts.TableCount > 0
                    ? $"{facts.TableCount} tables in {_postgres.Database}: {string.Join(", ", tables.Take(10))}{(tables.Count > 10 ? ", ..." : string.Empty)}"
                    : $"{_postgres.Database} has no tables: restore a backup (`summit-dr restore latest`) or check Postgres:Database"));
            }
            catch (OperationFailedException ex)
            {
                checks.Add(new HealthCheck("postgres tables", false, ex.Message));
            }
        }

        if (components.Contains(BackupComponent.Neo4j) && await ContainerAsync(checks, "neo4j container", _options.Neo4j.Container, "Neo4j:Container", cancellationToken) is { } container)
        {
            nodes = await _neo4j.CountNodesAsync(_neo4j.Describe(container), cancellationToken);
            checks.Add(new HealthCheck("neo4j nodes", nodes is not null, nodes is not null
                ? $"Neo4j answers: {nodes} nodes"
                : $"Neo4j in {container.Name} does not answer cypher-shell: read `docker logs {container.Name}`, and check Neo4j:Password or NEO4J_AUTH"));
        }

        if (components.Contains(BackupComponent.Uploads))
        {
            var path = _workingDirectory.Resolve(_options.Uploads.Path);
            if (!Directory.Exists(path))
            {
                checks.Add(new HealthCheck("uploads present", false, $"{path} does not exist: set Uploads:Path, or run from the platform's directory (--workdir)"));
            }
            else
            {
                (files, bytes) = Uploads.UploadsTree.Measure(path);
                checks.Add(new HealthCheck("uploads present", files > 0, files > 0
                    ? $"{files} files, {Progress.LoggingProgressReporter.FormatBytes(bytes.Value)} in {path}"
                    : $"{path} holds no files: restore the uploads (`summit-dr restore latest --only uploads`)"));
            }
        }

        return new HealthReport(checks, tables, nodes, files, bytes);
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
