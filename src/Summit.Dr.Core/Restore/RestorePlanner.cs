using Microsoft.Extensions.Options;
using Summit.Dr.Backup;
using Summit.Dr.Catalog;
using Summit.Dr.Configuration;
using Summit.Dr.Docker;
using Summit.Dr.Manifest;
using Summit.Dr.Neo4j;
using Summit.Dr.Postgres;
using Summit.Dr.Undo;

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
        var id = "<YYYYMMDD_HHMMSS>";
        var database = _postgres.Database;
        var incoming = KeptStores.DatabaseName(database, "in", id);
        var kept = KeptStores.DatabaseName(database, "kept", id);
        var has = request.Components;
        var mount = new BindMount(Path.Combine(directory, BackupLayout.Neo4jFile), $"{Neo4jWorkbench.MountPoint}/{neo4j.Database}.dump", ReadOnly: true);
        var bench = Neo4jWorkbench.NameFor(neo4j.Container);
        string Exec(IReadOnlyList<string> command, bool interactive = false) =>
            Show(interactive ? ["exec", "-i", "--user", "<owner of the store>", bench, .. command] : ["exec", "--user", "<owner of the store>", bench, .. command]);
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

        lines.Add($"# verify and prepare, side by side, touching nothing live: {BackupManifest.FileName} parses; every artifact's size and SHA-256 match it (no manifest: a warning, structural checks only)");
        if (has.Contains(BackupComponent.Postgres))
        {
            lines.Add($"{Show(DockerArgs.Exec(_postgres.Container, PostgresCommands.ListArchive(), interactive: true))} < {BackupLayout.PostgresFile}   # the same read computes its SHA-256");
            lines.Add($"{Show(DockerArgs.Exec(_postgres.Container, PostgresCommands.ReadWholeArchive(), interactive: true))} < {BackupLayout.PostgresFile}   # only without a manifest");
            lines.Add(_postgres.DropSpec(_postgres.Container, incoming).Display + "   # a leftover, if any");
            lines.Add(_postgres.CreateSpec(_postgres.Container, incoming).Display);
            lines.Add($"{_postgres.RestoreSpec(_postgres.Container, incoming).Display} < {BackupLayout.PostgresFile}   # into a database of its own; the table count is checked there");
        }

        if (has.Contains(BackupComponent.Uploads))
        {
            var uploads = _workingDirectory.Resolve(_options.Uploads.Path);
            lines.Add($"# extract {BackupLayout.UploadsFile} into {Path.GetDirectoryName(uploads)}/.summit-dr-staging-<id>: every entry a regular file or directory under uploads/, checked before it is written; the same read computes its SHA-256");
        }

        if (has.Contains(BackupComponent.Neo4j))
        {
            lines.Add(Show(Neo4jWorkbench.RunArgs(target, mount)) + "   # the container neo4j-admin runs in; whether the engine sees the file is probed");
            if (Neo4jCommands.InfoFromPath(neo4j.Database, syntax, Neo4jWorkbench.MountPoint) is { } info)
            {
                lines.Add(Exec(info) + $"   # while this process computes the SHA-256 of {BackupLayout.Neo4jFile}");
            }
        }

        lines.Add(request.Yes ? "# confirmed by --yes" : "# confirm: on a terminal, type the database name; without one, --yes is required");
        if (request.SafetyBackup)
        {
            lines.Add($"# safety backup of the current state into {_catalog.Root}/<YYYYMMDD_HHMMSS>{BackupLayout.SafetySuffix}:");
            lines.AddRange(_backupPlanner.Plan(new BackupRequest(null, has, DryRun: true, BackupKind.Safety)).Where(l => !l.StartsWith("# lock", StringComparison.Ordinal)).Select(l => "  " + l));
        }

        lines.Add($"# swap in, the replaced state kept aside (recorded in {Undo.KeptStateStore.PathIn(_catalog.Root)}), all stores together; Neo4j is stopped once the PostgreSQL copy is ready, so its load runs alone:");
        if (has.Contains(BackupComponent.Neo4j))
        {
            var live = Neo4jStoreLayout.Live(neo4j.Database);
            var aside = Neo4jStoreLayout.Kept(KeptStores.Neo4jKept(id), neo4j.Database);
            lines.Add($"# journal {StopJournal.PathIn(_catalog.Root)}");
            lines.Add(Show(DockerArgs.Stop(neo4j.Container, TimeSpan.FromSeconds(neo4j.StopTimeoutSeconds))));
            lines.Add(Exec(["mv", "-T", live.Store, aside.Store]));
            lines.Add(Exec(["mv", "-T", live.Transactions, aside.Transactions]));
            lines.Add(Exec(Neo4jCommands.LoadFromPath(neo4j.Database, syntax, Neo4jWorkbench.MountPoint)));
            lines.Add($"#   or, when the engine does not see the file: {Exec(Neo4jCommands.LoadFromStdin(neo4j.Database, syntax), interactive: true)} < {BackupLayout.Neo4jFile}");
        }

        if (has.Contains(BackupComponent.Postgres))
        {
            lines.Add(Show(DockerArgs.Exec(_postgres.Container, PostgresCommands.Rename(_options.Postgres.User, PostgresCommands.MaintenanceFor(database), [(database, kept), (incoming, database)]))));
        }

        if (has.Contains(BackupComponent.Uploads))
        {
            var uploads = _workingDirectory.Resolve(_options.Uploads.Path);
            lines.Add($"# rename {uploads} -> {KeptStores.UploadsKept(uploads, id)}, then the extracted tree -> {uploads}");
        }

        if (has.Contains(BackupComponent.Neo4j))
        {
            lines.Add(Show(DockerArgs.Start(neo4j.Container)) + "   # once every store is in place");
            lines.Add($"{Show(DockerArgs.Exec(neo4j.Container, Neo4jCommands.Cypher(Neo4jCommands.CountNodes), Neo4jCredentials.EnvironmentNames))}   # every 0.1 s until it answers; the count must match the manifest's");
        }

        lines.Add("# on any failure: every replaced store is put back from what was kept aside, within the same stop of Neo4j");
        lines.Add("# the state kept by the previous restore is freed; this one stays until the next restore or `summit-dr undo --discard`");
        lines.Add("# post-restore checks: tables listed, Neo4j answers with its node count, uploads present");
        return lines;
    }

    private string Show(IReadOnlyList<string> arguments) => _docker.Spec(arguments).Display;
}
