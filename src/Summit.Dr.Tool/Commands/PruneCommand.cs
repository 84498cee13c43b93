using McMaster.Extensions.CommandLineUtils;
using Summit.Dr.Archive.Retention;
using Summit.Dr.Errors;
using Summit.Dr.Reporting;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

[Command("prune", Description = "Delete old backups by a restic-style keep policy.",
    ExtendedHelpText = """

        The rules apply per store (PostgreSQL, Neo4j, uploads) to the backups that hold it, so a backup made
        with --only counts only for its stores; daily, weekly and monthly buckets count back from the newest
        backup, each keeps its newest backup. The newest backup of each store is always kept, corrupt ones are
        kept for inspection, unfinished work is removed, safety backups follow --keep-safety (all kept
        without it). --remote applies all of this to the backups off-site, where an incomplete push counts as
        unfinished work. Refuses when the newest backup is incomplete, or a store's newest artifact is less than
        half the size of that store's artifact in the backup before it, unless --force. Takes the lock.
        Exit codes: 0 done; 2 usage (no policy); 3 another run holds the lock; 4 refused, nothing deleted.
        """)]
public sealed class PruneCommand
{
    [Option("--keep-last <N>", Description = "Keep the N newest backups of each store.")]
    public int? KeepLast { get; set; }

    [Option("--keep-daily <N>", Description = "Keep, for each store, the newest backup of each of the last N days that have one.")]
    public int? KeepDaily { get; set; }

    [Option("--keep-weekly <N>", Description = "Keep, for each store, the newest backup of each of the last N ISO weeks that have one.")]
    public int? KeepWeekly { get; set; }

    [Option("--keep-monthly <N>", Description = "Keep, for each store, the newest backup of each of the last N months that have one.")]
    public int? KeepMonthly { get; set; }

    [Option("--keep-safety <N>", Description = "Keep the N newest safety backups (default: keep them all).")]
    public int? KeepSafety { get; set; }

    [Option("--dry-run", Description = "List what would be deleted and why each survivor is kept; delete nothing.")]
    public bool DryRun { get; set; }

    [Option("--force", Description = "Prune even when the newest backup is incomplete or suspiciously small.")]
    public bool Force { get; set; }

    [Option("--remote", Description = "Prune the backups off-site (Remote:*) by the same policy and safety gates instead.")]
    public bool Remote { get; set; }

    [Option("--json", Description = "Write the decisions as one JSON document to stdout.")]
    public bool Json { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute()
    {
        var policy = new PrunePolicy(KeepLast, KeepDaily, KeepWeekly, KeepMonthly, KeepSafety);
        if (new[] { KeepLast, KeepDaily, KeepWeekly, KeepMonthly, KeepSafety }.Any(n => n < 0))
        {
            throw new UsageException("--keep-* counts must be zero or more.");
        }

        return OperationHost.Run<PruneHandler>(
            Parent.ToGlobalOptions(), new CommandRun("prune", Json) { Report = !DryRun }, async (handler, console, cancellationToken) =>
            {
                var result = Remote
                    ? await handler.Remote.PruneAsync(policy, DryRun, Force, TimeZoneInfo.Local, cancellationToken)
                    : handler.Local.Run(policy, DryRun, Force, TimeZoneInfo.Local);
                PruneReport.Write(console, result, DryRun, Remote, Json);
                return CommandResult.Done(new RunFacts { FreedBytes = result.FreedBytes });
            });
    }
}
