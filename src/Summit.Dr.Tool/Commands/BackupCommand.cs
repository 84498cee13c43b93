using McMaster.Extensions.CommandLineUtils;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Backup;
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
        var request = new BackupRequest(BackupComponents.Parse(Only), DryRun);
        return OperationHost.Run<BackupHandler>(
            Parent.ToGlobalOptions(),
            new CommandRun("backup", Json) { OutputRoot = Output, Recover = !request.DryRun, Discover = true, Report = !request.DryRun },
            async (handler, console, cancellationToken) =>
            {
                if (request.DryRun)
                {
                    var plan = await handler.Backup.RunAsync(request, cancellationToken);
                    return new CommandResult(PlanReport.Write(console, "backup", plan.Steps, Json), RunFacts.None);
                }

                var result = await handler.Backup.RunAsync(request, cancellationToken);
                var facts = RunFacts.Of(result.Manifest!);
                if (!Push)
                {
                    BackupReport.Write(console, result, Json);
                    return CommandResult.Done(facts);
                }

                if (!Json)
                {
                    BackupReport.Write(console, result, json: false);
                }

                // A failed push fails the run (exit 1) and leaves the complete local backup as it is.
                var pushed = await handler.Push.PushAsync(result.Directory, cancellationToken);
                if (Json)
                {
                    BackupReport.Write(console, result, json: true, pushed);
                }
                else
                {
                    PushReport.Write(console, pushed, json: false);
                }

                return CommandResult.Done(facts with { PushedBytes = pushed.Bytes });
            },
            handler =>
            {
                if (Push && !request.DryRun && !handler.Remotes.Configured)
                {
                    // Known before anything is stopped.
                    throw new UsageException("--push needs off-site copies configured: set Remote:Kind to s3 or azure-blob, and its " +
                        "bucket or container.");
                }
            });
    }
}
