using McMaster.Extensions.CommandLineUtils;
using Microsoft.Extensions.DependencyInjection;
using Summit.Dr.Archive.Catalog;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Remote;
using Summit.Dr.Operations.Restore;
using Summit.Dr.Reporting;
using Summit.Dr.Stores.Wal;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

[Command("restore", Description = "Restore a backup (a directory or `latest`): verified first, confirmed, undoable.",
    ExtendedHelpText = """

        Before anything live is touched every check runs (manifest, checksums, pg_restore --list, every tar
        entry, the Neo4j dump) while each store is prepared beside the live one. Then the three stores are
        swapped in together, with one stop and one start of Neo4j; the state they replace is kept aside (the
        database renamed, the Neo4j store moved within its volume, the uploads tree renamed), not copied. If a
        store fails, every replaced store is put back. After success, `summit-dr undo` puts the old state back
        and `summit-dr undo --discard` frees it; the next restore frees it too.
        Exit codes: 0 restored and checked; 1 failed (the message says what state the platform is in) or a
        post-restore check failed; 2 usage, no such backup, or not confirmed; 3 docker/container/lock/free-disk
        precondition; 4 the backup is incomplete, corrupt or unsafe (nothing touched); 130 interrupted (put back).
        """)]
public sealed class RestoreCommand
{
    [Argument(0, "BACKUP_DIR", "A backup directory, or `latest` (the newest complete backup that is not a safety backup).")]
    public string? Backup { get; set; }

    [Option("--yes", Description = "Confirm without a prompt (required without a terminal).")]
    public bool Yes { get; set; }

    [Option("--only <LIST>", Description = "Comma-separated components: postgres,neo4j,uploads (default: all the backup holds).")]
    public string? Only { get; set; }

    [Option("--safety-backup", Description = "Also write a durable backup of the current state first (it is kept aside for undo either " +
        "way).")]
    public bool SafetyBackup { get; set; }

    /// <summary>Accepted for scripts written for earlier versions, where the safety backup was the default; it is the default
    /// now.</summary>
    [Option("--no-safety-backup", ShowInHelpText = false)]
    public bool NoSafetyBackup { get; set; }

    [Option("--dry-run", Description = "Print the full plan: every check and docker command; run nothing.")]
    public bool DryRun { get; set; }

    [Option("--remote", Description = "BACKUP_DIR names a backup off-site (or `latest` there): pull it first, verified, then restore it.")]
    public bool Remote { get; set; }

    [Option("--allow-unsigned", Description = "Take a backup that is not signed by a trusted key (Signing:TrustedKeyFiles); said so in " +
        "the log and the JSON.")]
    public bool AllowUnsigned { get; set; }

    [Option("--to <TIME>", Description = "Restore PostgreSQL to a point in time (\"2026-12-01 14:02:00+01\", or \"-15m\" back from now) " +
        "from a base backup and the WAL archive; Neo4j and uploads from the newest backup at or before it. Needs Pitr:Enabled.")]
    public string? To { get; set; }

    [Option("--json", Description = "Write the outcome as one JSON document to stdout.")]
    public bool Json { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute()
    {
        if (string.IsNullOrWhiteSpace(Backup) && To is null)
        {
            throw new UsageException("restore needs a backup: `summit-dr restore backups/<YYYYMMDD_HHMMSS>` or `summit-dr restore " +
                "latest` (or a point in time: `summit-dr restore --to TIME`).");
        }

        if (To is not null && (Backup is not null || Remote))
        {
            throw new UsageException("--to picks the backups itself (the newest base backup before the time, and the WAL archive): pass " +
                "no BACKUP_DIR and no --remote.");
        }

        if (SafetyBackup && NoSafetyBackup)
        {
            throw new UsageException("--safety-backup and --no-safety-backup contradict each other; pass one.");
        }

        var request = new RestoreRequest(Backup ?? string.Empty, BackupComponents.Parse(Only), Only is not null, Yes, SafetyBackup, DryRun)
        {
            To = To is null ? null : RecoveryTarget.Parse(To, DateTimeOffset.Now),
        };
        var validate = Remote ? null : request.To is not null ? (Action<IServiceProvider>)RequirePitr
            : (services => services.GetRequiredService<BackupCatalog>().Resolve(request.Backup));
        return OperationHost.Run(
            Parent.ToGlobalOptions(),
            new CommandRun(
                "restore", Json) { AllowUnsigned = AllowUnsigned, Recover = !request.DryRun, Discover = true, Report = !request.DryRun,
                Validate = validate }, async (services, console, cancellationToken) =>
        {
            if (request.DryRun)
            {
                var plan = await services.GetRequiredService<RestoreOperation>().RunAsync(request, cancellationToken);
                return PlanReport.Write(console, "restore", plan.Records, Json);
            }

            var local = Remote
                ? request with { Backup = (
                    await services.GetRequiredService<PullOperation>().PullAsync(request.Backup, cancellationToken)).Directory } : request;
            var facts = services.GetRequiredService<RunFacts>();
            facts.Backup = request.To is { } to ? $"to {to:yyyy-MM-dd HH:mm:ss zzz}" : Path.GetFileName(local.Backup.TrimEnd('/'));
            var result = await services.GetRequiredService<RestoreOperation>().RunAsync(local, cancellationToken);
            facts.RecoverySeconds = result.Total.TotalSeconds;
            (facts.Neo4jDowntimeSeconds, facts.Neo4jOffline) = (result.Neo4jDown?.Seconds, result.Neo4jDown?.Work);
            return RestoreReport.Write(console, result, Json);
        });
    }

    internal static void RequirePitr(IServiceProvider services)
    {
        if (!services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SummitDrOptions>>().Value.Pitr.Enabled)
        {
            throw new UsageException("--to needs point-in-time recovery: set Pitr:Enabled=true, run `summit-dr wal start`, and take a " +
                "backup (it holds a base backup).");
        }
    }
}
