using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Docker;
using Summit.Dr.Neo4j;
using Summit.Dr.Postgres;

namespace Summit.Dr.Backup;

/// <summary>
/// The dry run: every docker command a backup would run, in order, built by the same argument builders
/// the real run uses. Nothing is executed, so what only docker could tell (the Neo4j image) is shown as a
/// placeholder.
/// </summary>
public sealed class BackupPlanner
{
    private readonly DockerCli _docker;
    private readonly PostgresService _postgres;
    private readonly SummitDrOptions _options;
    private readonly WorkingDirectory _workingDirectory;
    private readonly TimeProvider _time;

    public BackupPlanner(DockerCli docker, PostgresService postgres, IOptions<SummitDrOptions> options, WorkingDirectory workingDirectory, TimeProvider time)
    {
        _docker = docker;
        _postgres = postgres;
        _options = options.Value;
        _workingDirectory = workingDirectory;
        _time = time;
    }

    public IReadOnlyList<string> Plan(BackupRequest request)
    {
        var root = _workingDirectory.Resolve(request.OutputRoot ?? _options.Backup.Root);
        var name = BackupLayout.NameFor(_time.GetLocalNow());
        var work = Path.Combine(root, BackupLayout.IncompletePrefix + name);
        var neo4j = _options.Neo4j;
        var target = Neo4jTarget.Planned(neo4j);
        var syntax = target.Syntax;
        var cypher = (string query) => Show(DockerArgs.Exec(neo4j.Container, Neo4jCommands.Cypher(query), Neo4jCredentials.EnvironmentNames));
        var lines = new List<string> { $"# lock {Path.Combine(root, Locking.OperationLock.FileName)}; work in {work}" };
        var postgres = request.Components.Contains(BackupComponent.Postgres);
        var graph = request.Components.Contains(BackupComponent.Neo4j);
        var uploads = request.Components.Contains(BackupComponent.Uploads);

        lines.Add("# before anything is stopped: the containers, their facts and sizes, and the free space in the backup root");
        if (postgres)
        {
            lines.Add(Show(DockerArgs.Inspect(_postgres.Container)));
            lines.Add(Show(DockerArgs.Exec(_postgres.Container, PostgresCommands.Facts(_options.Postgres.User, _postgres.Database))));
        }

        if (graph)
        {
            lines.Add(Show(DockerArgs.Inspect(neo4j.Container)));
            lines.Add($"# the image of {neo4j.Container} decides the neo4j-admin syntax (shown: {(syntax == Neo4jAdminSyntax.V5 ? "5.x" : "4.4")})");
            lines.Add(Show(DockerArgs.Exec(neo4j.Container, ["du", "-s", "-k", $"/data/databases/{neo4j.Database}"])));
        }

        if (uploads)
        {
            lines.Add($"# measure {_workingDirectory.Resolve(_options.Uploads.Path)}");
        }

        lines.Add("# refuse (exit 3, nothing stopped) when the free space is less than the sum of these sizes");

        lines.Add("# concurrently, while Neo4j still serves:");
        if (postgres)
        {
            lines.Add($"{_postgres.DumpSpec(_postgres.Container).Display} > {Path.Combine(work, BackupLayout.PostgresFile)}");
            lines.Add($"{Show(DockerArgs.Exec(_postgres.Container, PostgresCommands.ListArchive(), interactive: true))} < {BackupLayout.PostgresFile}");
        }

        if (uploads)
        {
            lines.Add($"# uploads (in process, no docker): {_workingDirectory.Resolve(_options.Uploads.Path)} -> {Path.Combine(work, BackupLayout.UploadsFile)}, each tar entry read back as it is written");
        }

        if (graph)
        {
            var directory = Path.Combine(work, Neo4jService.DumpDirectoryName);
            var bench = Neo4jWorkbench.NameFor(neo4j.Container);
            lines.Add(cypher(Neo4jCommands.CountNodes) + "   # when Neo4j is running; a stopped Neo4j is dumped and left stopped");
            lines.Add(Show(Neo4jWorkbench.RunArgs(target, new BindMount(directory, Neo4jWorkbench.MountPoint))) + "   # the container neo4j-admin runs in");
            lines.Add(Show(Neo4jWorkbench.ProbeArgs(bench, $"{Neo4jWorkbench.MountPoint}/.summit-dr-probe-<id>")) + "   # does the engine see the backup directory? (Neo4j:DumpTransfer=auto)");
            lines.Add(Show(Neo4jWorkbench.ReadyArgs(bench)) + "   # until the image's entrypoint has handed over");
            lines.Add("# then, alone:");
            lines.Add($"# journal {StopJournal.PathIn(root)}");
            lines.Add(Show(DockerArgs.Stop(neo4j.Container, TimeSpan.FromSeconds(neo4j.StopTimeoutSeconds))));
            lines.Add(Show(Neo4jWorkbench.ExecArgs(target, Neo4jCommands.DumpToPath(neo4j.Database, syntax, Neo4jWorkbench.MountPoint))) + $"   # writes {neo4j.Database}.dump into {directory}");
            lines.Add($"#   or, when the engine does not see it: {Show(Neo4jWorkbench.ExecArgs(target, Neo4jCommands.DumpToStdout(neo4j.Database, syntax)))} > {Path.Combine(work, BackupLayout.Neo4jFile)}");
            lines.Add(Show(DockerArgs.Start(neo4j.Container)));
            lines.Add($"{cypher(Neo4jCommands.CountNodes)}   # every 0.1 s until it answers, up to {neo4j.StartTimeoutSeconds} s");
            lines.Add("# then, with Neo4j serving again:");
            if (Neo4jCommands.InfoFromPath(neo4j.Database, syntax, Neo4jWorkbench.MountPoint) is { } info)
            {
                lines.Add(Show(Neo4jWorkbench.ExecArgs(target, info)) + "   # while this process computes the dump's SHA-256");
            }

            lines.Add(Show(DockerArgs.RemoveForce(bench)));
        }

        lines.Add($"# manifest.json, then rename {work} -> {Path.Combine(root, name)}");
        return lines;
    }

    private string Show(IReadOnlyList<string> arguments) => _docker.Spec(arguments).Display;
}
