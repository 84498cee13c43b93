using System.Globalization;
using Summit.Dr.Catalog;

namespace Summit.Dr.Prune;

/// <summary>
/// Decides what prune keeps: restic's rules over the regular backups (newest first; daily, weekly and
/// monthly buckets counted back from the newest backup, each kept by its newest backup), safety backups by
/// their own count, the newest complete backup always, corrupt ones always (for a person to look at), and
/// unfinished work removed (the lock proves no run is writing it).
/// </summary>
public static class PrunePlanner
{
    public static IReadOnlyList<PruneDecision> Plan(IReadOnlyList<BackupEntry> entries, PrunePolicy policy, TimeZoneInfo zone)
    {
        var reasons = entries.ToDictionary(e => e.Directory, _ => new List<string>());
        var regular = entries.Where(e => e.State is BackupState.Complete or BackupState.Legacy)
            .OrderByDescending(e => e.Time ?? DateTimeOffset.MinValue).ToList();

        if ((regular.FirstOrDefault(e => e.State == BackupState.Complete) ?? regular.FirstOrDefault()) is { } newest)
        {
            reasons[newest.Directory].Add("newest complete backup");
        }

        Keep(regular, policy.KeepLast, e => e.Name, "last", reasons);
        Keep(regular, policy.KeepDaily, e => Local(e, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "daily", reasons);
        Keep(regular, policy.KeepWeekly, e => $"{ISOWeek.GetYear(Local(e, zone))}-W{ISOWeek.GetWeekOfYear(Local(e, zone)):00}", "weekly", reasons);
        Keep(regular, policy.KeepMonthly, e => Local(e, zone).ToString("yyyy-MM", CultureInfo.InvariantCulture), "monthly", reasons);

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
                : new PruneDecision(e, false, [e.State == BackupState.Incomplete ? "unfinished work of a run that did not complete" : "no rule keeps it"]))
            .ToList();
    }

    /// <summary>One rule: walk newest first, keep the first backup of each new bucket until <paramref name="count"/> buckets are kept.</summary>
    private static void Keep(IReadOnlyList<BackupEntry> newestFirst, int? count, Func<BackupEntry, string> bucket, string rule, Dictionary<string, List<string>> reasons)
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
