using Microsoft.Extensions.Options;
using Summit.Dr.Backup;
using Summit.Dr.Catalog;
using Summit.Dr.Configuration;
using Summit.Dr.Docker;
using Summit.Dr.Manifest;
using Summit.Dr.Neo4j;
using Summit.Dr.Postgres;

namespace Summit.Dr.Restore;

/// <summary>
/// The restore's dry run: every check and every docker command in order, built by the same builders the
/// real run uses. Nothing runs; what only docker could tell (the Neo4j image) is a placeholder.
/// </summary>
public sealed class RestorePlanner
{
    private readonly DockerCli _docker;
    private readonly PostgresService _postgres;
    private readonly BackupCatalog _catalog;
    private readonly BackupPlanner _backupPlanner;
    private readonly SummitDrOptions _options;
    private readonly WorkingDirectory _workingDirectory;

    public RestorePlanner(DockerCli docker, PostgresService postgres, BackupCatalog catalog, BackupPlanner backupPlanner, IOptions<SummitDrOptions> options, WorkingDirectory workingDirectory)
    {
        _docker = docker;
        _postgres = postgres;
        _catalog = catalog;
        _backupPlanner = backupPlanner;
        _options = options.Value;
        _workingDirectory = workingDirectory;
    }

    public IReadOnlyList<string> Plan(RestoreRequest request)
    {
        var directory = _catalog.Resolve(request.Backup);
        var neo4j = _options.Neo4j;
        var target = Neo4jTarget.Planned(neo4j);
        var syntax = target.Syntax;
        var has = request.Components;
        var lines = new List<string>
        {
            $"# restore {directory}{(request.Backup == BackupCatalog.Latest ? " (latest)" : string.Empty)}",
            $"# lock {Path.Combine(_catalog.Root, Locking.OperationLock.FileName)}",
        };
        if (has.Contains(BackupComponent.Postgres))
        {
            lines.Add(Show(DockerArgs.Inspect(_postgres.Container)));
        }

        if (has.Contains(BackupComponent.Neo4j))
        {
            lines.Add(Show(DockerArgs.Inspect(neo4j.Container)));
        }

        lines.Add($"# verify: {BackupManifest.FileName} parses; the size and SHA-256 of every artifact match it (no manifest: a warning, structural checks only)");
        if (has.Contains(BackupComponent.Postgres))
        {
            lines.Add($"{Show(DockerArgs.Exec(_postgres.Container, PostgresCommands.ListArchive(), interactive: true))} < {BackupLayout.PostgresFile}");
            lines.Add($"{Show(DockerArgs.Exec(_postgres.Container, PostgresCommands.ReadWholeArchive(), interactive: true))} < {BackupLayout.PostgresFile}   # only without a manifest");
        }

        if (has.Contains(BackupComponent.Uploads))
        {
            lines.Add($"# verify {BackupLayout.UploadsFile}: read to the end in process; every entry a regular file or directory under uploads/");
        }

        if (has.Contains(BackupComponent.Neo4j) && Neo4jCommands.InfoFromStdin(neo4j.Database, syntax) is { } info)
        {
            lines.Add($"{Show(DockerArgs.RunOneOff(Neo4jOneOffs.Info(target, info)))} < {BackupLayout.Neo4jFile}");
        }

        lines.Add(request.Yes ? "# confirmed by --yes" : "# confirm: on a terminal, type the database name; without one, --yes is required");
        if (!request.NoSafetyBackup)
        {
            lines.Add($"# safety backup of the current state into {_catalog.Root}/<YYYYMMDD_HHMMSS>{BackupLayout.SafetySuffix}:");
            lines.AddRange(_backupPlanner.Plan(new BackupRequest(null, has, DryRun: true, BackupKind.Safety)).Where(l => !l.StartsWith("# lock", StringComparison.Ordinal)).Select(l => "  " + l));
        }

        if (has.Contains(BackupComponent.Postgres))
        {
            lines.Add("# restore postgres");
            lines.Add(_postgres.DropSpec(_postgres.Container).Display);
            lines.Add(_postgres.CreateSpec(_postgres.Container).Display);
            lines.Add($"{_postgres.RestoreSpec(_postgres.Container).Display} < {BackupLayout.PostgresFile}");
        }

        if (has.Contains(BackupComponent.Neo4j))
        {
            lines.Add("# restore neo4j (a stopped Neo4j is loaded and left stopped)");
            lines.Add(Show(DockerArgs.RemoveForce(Neo4jOneOffs.Name("dump", neo4j.Container))) + "   # a leftover of a killed run, if any");
            lines.Add(Show(DockerArgs.RemoveForce(Neo4jOneOffs.Name("load", neo4j.Container))) + "   # likewise");
            lines.Add($"# journal {StopJournal.PathIn(_catalog.Root)}");
            lines.Add(Show(DockerArgs.Stop(neo4j.Container, TimeSpan.FromSeconds(neo4j.StopTimeoutSeconds))));
            lines.Add($"{Show(DockerArgs.RunOneOff(Neo4jOneOffs.Load(target)))} < {BackupLayout.Neo4jFile}");
            lines.Add(Show(DockerArgs.RemoveForce(Neo4jOneOffs.Name("load", neo4j.Container))) + "   # only if the load failed or was interrupted");
            lines.Add(Show(DockerArgs.Start(neo4j.Container)));
            lines.Add($"{Show(DockerArgs.Exec(neo4j.Container, Neo4jCommands.Cypher(Neo4jCommands.Ping), Neo4jCredentials.EnvironmentNames))}   # every second until it answers");
        }

        if (has.Contains(BackupComponent.Uploads))
        {
            var uploads = _workingDirectory.Resolve(_options.Uploads.Path);
            lines.Add($"# restore uploads: extract into {Path.GetDirectoryName(uploads)}/.summit-dr-staging-<id>, then swap with {uploads} by rename; the old tree is removed after");
        }

        lines.Add("# on any failure: roll every touched store back from the safety backup");
        lines.Add("# post-restore checks: tables listed, Neo4j answers with its node count, uploads present");
        return lines;
    }

    private string Show(IReadOnlyList<string> arguments) => _docker.Spec(arguments).Display;
}
