using McMaster.Extensions.CommandLineUtils;
using Microsoft.Extensions.DependencyInjection;
using Summit.Dr.Archive.Remote;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Backup;
using Summit.Dr.Operations.Remote;
using Summit.Dr.Reporting;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

[Command("backup", Description = "Back up PostgreSQL, Neo4j and uploads into backups/<YYYYMMDD_HHMMSS>/, verified, with a manifest.",
    ExtendedHelpText = """

        Neo4j is stopped for an offline dump and started again whatever happens (also on Ctrl+C); the
        PostgreSQL dump and the uploads archive run meanwhile. Before anything is stopped, the free space in
        the backup root is compared with an estimate of the backup. A failed run leaves no directory that
        looks like a backup. With --push the complete backup then goes off-site (a failed push is exit 1; the
        local backup stays). Exit codes: 0 done; 1 failed (also: the disk filled up); 2 usage;
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

    [Option("--push", Description = "Push the backup off-site (Remote:*) once it is complete; see `summit-dr push`.")]
    public bool Push { get; set; }

    [Option("--json", Description = "Write the outcome as one JSON document to stdout.")]
    public bool Json { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute()
    {
        var request = new BackupRequest(Output, BackupComponents.Parse(Only), DryRun);
        var globals = Parent.ToGlobalOptions();
        return OperationHost.Run(
            globals, new CommandRun(
                "backup", Json) { ExtraRecoveryRoot = request.OutputRoot, Recover = !request.DryRun, Discover = true,
                Report = !request.DryRun }, async (services, console, cancellationToken) =>
        {
            if (request.DryRun)
            {
                var plan = await services.GetRequiredService<BackupOperation>().RunAsync(request, cancellationToken);
                return PlanReport.Write(console, "backup", plan.Steps, Json);
            }

            if (Push && !services.GetRequiredService<RemoteStores>().Configured)
            {
                // Known before anything is stopped.
                throw new UsageException("--push needs off-site copies configured: set Remote:Kind to s3 or azure-blob, and its bucket " +
                    "or container.");
            }

            var result = await services.GetRequiredService<BackupOperation>().RunAsync(request, cancellationToken);
            services.GetRequiredService<RunFacts>().Record(result.Manifest!);
            if (!Push)
            {
                BackupReport.Write(console, result, Json);
                return ExitCodes.Success;
            }

            if (!Json)
            {
                BackupReport.Write(console, result, json: false);
            }

            // A failed push fails the run (exit 1) and leaves the complete local backup as it is.
            var pushed = await services.GetRequiredService<PushOperation>().PushAsync(result.Directory, cancellationToken);
            services.GetRequiredService<RunFacts>().PushedBytes = pushed.Bytes;
            if (Json)
            {
                BackupReport.Write(console, result, json: true, pushed);
            }
            else
            {
                PushCommand.Write(console, pushed, json: false);
            }

            return ExitCodes.Success;
        });
    }
}
