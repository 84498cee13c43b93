using System.Globalization;
using Summit.Dr.Model;

namespace Summit.Dr.Archive.Retention;

/// <summary>
/// Decides what prune keeps. restic's rules apply per store, as restic's `forget --group-by paths` applies
/// them per group: for each store (PostgreSQL, Neo4j, uploads), the regular backups that hold it, newest
/// first, are kept by --keep-last and by daily, weekly and monthly buckets counted back from the newest
/// backup, each bucket kept by its newest backup. A backup made with `--only` counts only for the stores it
/// holds. A backup stays while any rule keeps it for any store it holds, and the newest backup of each store
/// always stays, so no policy can delete the last copy of a store. Safety backups follow their own count,
/// corrupt ones stay for a person to look at, and unfinished work goes (the lock proves no run is writing it).
/// </summary>
public static class PrunePlanner
{
    public static IReadOnlyList<PruneDecision> Plan(IReadOnlyList<BackupEntry> entries, PrunePolicy policy, TimeZoneInfo zone)
    {
        var reasons = entries.ToDictionary(e => e.Directory, _ => new List<string>());
        var regular = Regular(entries);
        foreach (var store in Enum.GetValues<BackupComponent>())
        {
            var holding = regular.Where(e => e.Components.Contains(store)).ToList();
            if (holding.Count == 0)
            {
                continue;
            }

            var rules = holding.ToDictionary(e => e.Directory, _ => new List<string>());
            rules[(holding.FirstOrDefault(e => e.State == BackupState.Complete) ?? holding[0]).Directory].Add("newest");
            Keep(holding, policy.KeepLast, e => e.Name, "last", rules);
            Keep(holding, policy.KeepDaily, e => Local(e, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "daily", rules);
            Keep(holding, policy.KeepWeekly, e =>
                $"{ISOWeek.GetYear(Local(e, zone))}-W{ISOWeek.GetWeekOfYear(Local(e, zone)):00}", "weekly", rules);
            Keep(holding, policy.KeepMonthly, e => Local(e, zone).ToString("yyyy-MM", CultureInfo.InvariantCulture), "monthly", rules);
            foreach (var (directory, kept) in rules.Where(r => r.Value.Count > 0))
            {
                reasons[directory].Add($"{StoreName(store)}: {string.Join(", ", kept)}");
            }
        }

        var safety = entries.Where(e => e.State == BackupState.Safety).OrderByDescending(e => e.Time ?? DateTimeOffset.MinValue).ToList();
        foreach (var entry in safety.Take(policy.KeepSafety ?? int.MaxValue))
        {
            reasons[entry.Directory].Add(policy.KeepSafety is null ? "safety backup (no --keep-safety given)" : "safety");
        }

        foreach (var entry in entries.Where(e => e.State == BackupState.Corrupt))
        {
            reasons[entry.Directory].Add("corrupt: kept for a person to inspect (`summit-dr check`)");
        }

        return entries.Select(e => reasons[e.Directory].Count > 0
                ? new PruneDecision(e, true, reasons[e.Directory])
                : new PruneDecision(e, false, [e.State == BackupState.Incomplete ? "unfinished work of a run that did not " +
                    "complete" : "no rule keeps it for any store it holds"]))
            .ToList();
    }

    /// <summary>The regular backups (complete, or made by the runbook's scripts), newest first.</summary>
    public static IReadOnlyList<BackupEntry> Regular(IEnumerable<BackupEntry> entries) =>
        entries.Where(e => e.State is BackupState.Complete or BackupState.Legacy)
            .OrderByDescending(e => e.Time ?? DateTimeOffset.MinValue)
            .ToList();

    public static string StoreName(BackupComponent store) => store.ToString().ToLowerInvariant();

    /// <summary>One rule: walk newest first, keep the first backup of each new bucket until <paramref name="count"/> buckets are
    /// kept.</summary>
    private static void Keep(
        IReadOnlyList<BackupEntry> newestFirst, int? count, Func<BackupEntry, string> bucket, string rule,
        Dictionary<string, List<string>> reasons)
    {
        if (count is not { } limit)
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in newestFirst)
        {
            if (seen.Count >= limit)
            {
                break;
            }

            if (seen.Add(bucket(entry)))
            {
                reasons[entry.Directory].Add($"{rule} {seen.Count}");
            }
        }
    }

    private static DateTime Local(BackupEntry entry, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(entry.Time ?? DateTimeOffset.MinValue, zone).DateTime;
}
