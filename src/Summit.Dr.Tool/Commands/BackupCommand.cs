using McMaster.Extensions.CommandLineUtils;
using Microsoft.Extensions.DependencyInjection;
using Summit.Dr.Backup;
using Summit.Dr.Errors;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

[Command("backup", Description = "Back up PostgreSQL, Neo4j and uploads into backups/<YYYYMMDD_HHMMSS>/, verified, with a manifest.",
    ExtendedHelpText = """

        Neo4j is stopped for an offline dump and started again whatever happens (also on Ctrl+C); the
        PostgreSQL dump and the uploads archive run meanwhile. Before anything is stopped, the free space in
        the backup root is compared with an estimate of the backup. A failed run leaves no directory that
        looks like a backup. Exit codes: 0 done; 1 failed (also: the disk filled up); 2 usage;
        3 docker/container/free disk/lock precondition, nothing stopped; 130 interrupted.
        """)]
public sealed class BackupCommand
{
    [Option("--output <DIR>", Description = "Backup root to write into (default: Backup:Root, `backups`).")]
    public string? Output { get; set; }

    [Option("--only <LIST>", Description = "Comma-separated components: postgres,neo4j,uploads (default: all).")]
    public string? Only { get; set; }

    [Option("--dry-run", Description = "Print every docker command in order; run none.")]
    public bool DryRun { get; set; }

    [Option("--json", Description = "Write the outcome as one JSON document to stdout.")]
    public bool Json { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute()
    {
        var request = new BackupRequest(Output, BackupComponents.Parse(Only), DryRun);
        var globals = Parent.ToGlobalOptions();
        return OperationHost.Run(globals, "backup", Json, async (services, console, cancellationToken) =>
        {
            if (request.DryRun)
            {
                return PlanReport.Write(console, "backup", services.GetRequiredService<BackupPlanner>().Plan(request), Json);
            }

            var operation = services.GetRequiredService<BackupOperation>();
            var result = await operation.RunAsync(request, cancellationToken);
            BackupReport.Write(console, result, Json);
            return ExitCodes.Success;
        }, request.OutputRoot, recover: !request.DryRun, discover: !request.DryRun);
    }
}
