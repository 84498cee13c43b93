using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Discovery;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Engine.Processes;
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
    private readonly ScriptRunner _scripts;

    public PlatformHealth(
        DockerCli docker, PostgresService postgres, Neo4jQueries neo4j, IOptions<SummitDrOptions> options, PlatformPaths paths,
        PlatformDiscovery discovery, ScriptRunner scripts)
    {
        _discovery = discovery;
        _scripts = scripts;
        _docker = docker;
        _postgres = postgres;
        _neo4j = neo4j;
        _options = options.Value;
        _paths = paths;
    }

    /// <summary>The checks of every store, outside any step: `verify`.</summary>
    public async Task<HealthReport> CheckAsync(IReadOnlySet<BackupComponent> components, CancellationToken cancellationToken)
    {
        HealthReport? report = null;
        await _scripts.RunAsync(Check(components, null, r => report = r), cancellationToken);
        return report!;
    }

    /// <summary>
    /// The stores' checks, listed in the runbook's order. After a restore, <paramref name="neo4jAnswer"/> is the node
    /// count Neo4j answered with when it came back, moments ago: it is not asked again.
    /// </summary>
    public Script Check(
        IReadOnlySet<BackupComponent> components, (string Container, long Nodes)? neo4jAnswer, Action<HealthReport> checkedAll)
    {
        var (postgresChecks, neo4jChecks, uploadChecks) = (new List<HealthCheck>(), new List<HealthCheck>(), new List<HealthCheck>());
        (List<string>? Tables, long? Nodes, int? Files, long? Bytes) found = default;
        var script = Script.Empty;
        if (components.Contains(BackupComponent.Postgres))
        {
            script = script.Then(new RunCommand(_postgres.FactsSpec(_postgres.Container), async (result, context) =>
                found.Tables = await PostgresAsync(result, postgresChecks, context.CancellationToken)));
        }

        if (components.Contains(BackupComponent.Neo4j))
        {
            script = script.Then(neo4jAnswer is { } answer && answer.Container == _options.Neo4j.Container
                ? Script.Say("Neo4j answered with its node count when it came back: it is not asked again").Then(Script.Do(() =>
                {
                    neo4jChecks.Add(new HealthCheck("neo4j container", true, $"'{answer.Container}' is running"));
                    neo4jChecks.Add(new HealthCheck("neo4j nodes", true, $"Neo4j answers: {answer.Nodes} nodes"));
                    found.Nodes = answer.Nodes;
                }))
                : Script.Of(new RunCommand(_docker.Spec(DockerArgs.Inspect(_options.Neo4j.Container)), async (inspected, context) =>
                    found.Nodes = await Neo4jAsync(
                        inspected.Succeeded ? DockerCli.ParseInspect(inspected.StandardOutput)
                            : null, neo4jChecks, context.CancellationToken))));
        }

        if (components.Contains(BackupComponent.Uploads))
        {
            script = script.Then(Script.InProcess($"in process: {_paths.Uploads} holds " +
                $"files", () => (found.Files, found.Bytes) = Uploads(uploadChecks)));
        }

        return script.Then(
            Script.Do(() =>
                checkedAll(new HealthReport(
                    [.. postgresChecks, .. neo4jChecks, .. uploadChecks], found.Tables, found.Nodes, found.Files, found.Bytes))));
    }

    /// <summary>The tables are listed first: when that works, the container runs; only when it does not is the container looked
    /// at.</summary>
    private async Task<List<string>?> PostgresAsync(ProcessResult result, List<HealthCheck> checks, CancellationToken cancellationToken)
    {
        PostgresFacts facts;
        try
        {
            facts = PostgresService.Facts(result, _postgres.Container, _postgres.Database);
        }
        catch (OperationFailedException ex)
        {
            if (await ContainerAsync(
                checks, "postgres container", _postgres.Container, "Postgres:Container", cancellationToken) is not null)
            {
                checks.Add(new HealthCheck("postgres tables", false, ex.Message));
            }

            return null;
        }

        var tables = facts.RowEstimates.Keys.ToList();
        checks.Add(new HealthCheck("postgres container", true, $"'{_postgres.Container}' is running"));
        checks.Add(new HealthCheck("postgres tables", facts.TableCount > 0, facts.TableCount > 0
            ? $"{facts.TableCount} tables in {_postgres.Database}: " +
                $"{string.Join(", ", tables.Take(10))}{(tables.Count > 10 ? ", ..." : string.Empty)}"
            : $"{_postgres.Database} has no tables: restore a backup (`summit-dr restore latest`) or check Postgres:Database"));
        return tables;
    }

    private async Task<long?> Neo4jAsync(ContainerInfo? inspected, List<HealthCheck> checks, CancellationToken cancellationToken)
    {
        if (Container(checks, "neo4j container", _options.Neo4j.Container, "Neo4j:Container", inspected) is not { } container)
        {
            return null;
        }

        var nodes = await _neo4j.CountNodesAsync(_neo4j.Describe(container), cancellationToken);
        checks.Add(new HealthCheck("neo4j nodes", nodes is not null, nodes is not null
            ? $"Neo4j answers: {nodes} nodes"
            : $"Neo4j in {container.Name} does not answer cypher-shell: read `{_docker.CommandName} logs {container.Name}`, and check " +
                $"Neo4j:Password or NEO4J_AUTH"));
        return nodes;
    }

    private (int? Files, long? Bytes) Uploads(List<HealthCheck> checks)
    {
        var path = _paths.Uploads;
        if (!Directory.Exists(path))
        {
            checks.Add(new HealthCheck("uploads present", false, $"{path} does not exist: set Uploads:Path, or run from the platform's " +
                $"directory (--workdir)"));
            return (null, null);
        }

        var (files, bytes) = UploadsTree.Measure(path);
        checks.Add(new HealthCheck("uploads present", files > 0, files > 0
            ? $"{files} files, {LoggingProgressReporter.FormatBytes(bytes)} in {path}"
            : $"{path} holds no files: restore the uploads (`summit-dr restore latest --only uploads`)"));
        return (files, bytes);
    }

    private async Task<ContainerInfo?> ContainerAsync(
        List<HealthCheck> checks, string name, string container, string key, CancellationToken cancellationToken) =>
        Container(checks, name, container, key, await _docker.InspectAsync(container, cancellationToken));

    private ContainerInfo? Container(List<HealthCheck> checks, string name, string container, string key, ContainerInfo? inspected)
    {
        var info = inspected is not null && (inspected.Name == container || inspected.Id == container) ? inspected : null;
        var check = info switch
        {
            null => new HealthCheck(name, false, _discovery.HintFor(key) is { } hint
                ? $"container '{container}' does not exist. {hint}"
                : $"container '{container}' does not exist: list containers with `{_docker.CommandName} ps -a` and set {key}"),
            { Running: false } => new HealthCheck(name, false, $"container '{container}' is {info.Status}: start it with " +
                $"`{_docker.CommandName} start {container}`"),
            _ => new HealthCheck(name, true, $"'{container}' is running ({info.Image})"),
        };
        checks.Add(check);
        return check.Passed ? info : null;
    }
}
