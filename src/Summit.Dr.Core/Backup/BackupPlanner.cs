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
        var dumpName = Neo4jOneOffs.Name("dump", neo4j.Container);
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

        if (postgres)
        {
            lines.Add("# concurrently: postgres");
            lines.Add($"{_postgres.DumpSpec(_postgres.Container).Display} > {Path.Combine(work, BackupLayout.PostgresFile)}");
            lines.Add($"{Show(DockerArgs.Exec(_postgres.Container, PostgresCommands.ListArchive(), interactive: true))} < {BackupLayout.PostgresFile}");
        }

        if (graph)
        {
            var directory = Path.Combine(work, Neo4jService.DumpDirectoryName);
            lines.Add("# concurrently: neo4j (when it is running; a stopped Neo4j is dumped and left stopped)");
            lines.Add(cypher(Neo4jCommands.CountNodes));
            lines.Add(Show(DockerArgs.RunOneOff(Neo4jOneOffs.Probe(target, directory, ".summit-dr-probe-<id>"))) + "   # does the engine see the backup directory? (Neo4j:DumpTransfer=auto)");
            lines.Add($"# journal {StopJournal.PathIn(root)}");
            lines.Add(Show(DockerArgs.RemoveForce(dumpName)) + "   # a leftover of a killed run, if any");
            lines.Add(Show(DockerArgs.RemoveForce(Neo4jOneOffs.Name("load", neo4j.Container))) + "   # likewise");
            lines.Add(Show(DockerArgs.Stop(neo4j.Container, TimeSpan.FromSeconds(neo4j.StopTimeoutSeconds))));
            lines.Add(Show(DockerArgs.RunOneOff(Neo4jOneOffs.DumpToDirectory(target, directory))) + $"   # writes {neo4j.Database}.dump there");
            lines.Add($"#   or, when the engine does not see it: {Show(DockerArgs.RunOneOff(Neo4jOneOffs.DumpToStdout(target)))} > {Path.Combine(work, BackupLayout.Neo4jFile)}");
            lines.Add(Show(DockerArgs.RemoveForce(dumpName)) + "   # only if the dump failed or was interrupted; --rm removes it otherwise");
            lines.Add(Show(DockerArgs.Start(neo4j.Container)));
            lines.Add($"{cypher(Neo4jCommands.Ping)}   # every quarter second until it answers, up to {neo4j.StartTimeoutSeconds} s");
            if (Neo4jCommands.InfoFromStdin(neo4j.Database, syntax) is { } info)
            {
                lines.Add($"{Show(DockerArgs.RunOneOff(Neo4jOneOffs.Info(target, info)))} < {BackupLayout.Neo4jFile}   # the same read computes its SHA-256");
                lines.Add(Show(DockerArgs.RemoveForce(Neo4jOneOffs.Name("info", neo4j.Container))));
            }
        }

        if (uploads)
        {
            lines.Add($"# concurrently: uploads (in process, no docker): {_workingDirectory.Resolve(_options.Uploads.Path)} -> {Path.Combine(work, BackupLayout.UploadsFile)}, then read back");
        }

        lines.Add($"# manifest.json, then rename {work} -> {Path.Combine(root, name)}");
        return lines;
    }

    private string Show(IReadOnlyList<string> arguments) => _docker.Spec(arguments).Display;
}
