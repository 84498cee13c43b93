using McMaster.Extensions.CommandLineUtils;
using Summit.Dr.Errors;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr.Tool.Commands;

/// <summary>
/// The options a restore and a drill share, with the same checks: which backup (a directory, `latest`, one off-site
/// with --remote, or a point in time with --to), and whether one a trusted key did not sign is taken.
/// </summary>
public abstract class BackupChoiceCommand
{
    [Argument(0, "BACKUP_DIR", "A backup directory, or `latest` (the newest complete backup that is not a safety backup).")]
    public string? Backup { get; set; }

    [Option("--remote", Description = "BACKUP_DIR names a backup off-site (or `latest` there): pull it first, verified, then take it.")]
    public bool Remote { get; set; }

    [Option("--allow-unsigned", Description = "Take a backup that is not signed by a trusted key (Signing:TrustedKeyFiles); said so in " +
        "the log and the JSON.")]
    public bool AllowUnsigned { get; set; }

    [Option("--to <TIME>", Description = "A point in time (\"2026-12-01 14:02:00+01\", or \"-15m\" back from now): PostgreSQL from a " +
        "base backup and the WAL archive, proved to stop exactly there; Neo4j and uploads from the newest backup at or before it. " +
        "Needs Pitr:Enabled.")]
    public string? To { get; set; }

    [Option("--json", Description = "Write the outcome as one JSON document to stdout.")]
    public bool Json { get; set; }

    public RootCommand Parent { get; set; } = null!;

    /// <summary>The backup named, or the time to go to: refused (exit 2) when there is neither, or when --to comes with a backup.</summary>
    protected DateTimeOffset? Choose(string command)
    {
        if (string.IsNullOrWhiteSpace(Backup) && To is null)
        {
            throw new UsageException($"{command} needs a backup: `summit-dr {command} latest` or `summit-dr {command} " +
                $"backups/<YYYYMMDD_HHMMSS>` (or a point in time: `summit-dr {command} --to TIME`).");
        }

        if (To is not null && (Backup is not null || Remote))
        {
            throw new UsageException("--to picks the backups itself (the newest base backup before the time, and the WAL archive): pass " +
                "no BACKUP_DIR and no --remote.");
        }

        return To is null ? null : RecoveryTarget.Parse(To, DateTimeOffset.Now);
    }

    /// <summary>Before any docker command: a local backup exists, or point-in-time recovery is on for a time.</summary>
    internal void Validate(BackupSource source, DateTimeOffset? to)
    {
        if (to is not null)
        {
            if (!source.Options.Value.Pitr.Enabled)
            {
                throw new UsageException("--to needs point-in-time recovery: set Pitr:Enabled=true, run `summit-dr wal start`, and take " +
                    "a " +
                    "backup (it holds a base backup).");
            }
        }
        else if (!Remote)
        {
            source.Catalog.Resolve(Backup!);
        }
    }

    /// <summary>The local directory to take: the one named, or the one pulled from off-site first (--remote).</summary>
    internal async Task<string> LocalAsync(BackupSource source, CancellationToken cancellationToken) =>
        Remote ? (await source.Pull.PullAsync(Backup!, cancellationToken)).Directory : Backup ?? string.Empty;
}
