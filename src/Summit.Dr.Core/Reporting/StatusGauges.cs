using Summit.Dr.Model;

namespace Summit.Dr.Reporting;

/// <summary>
/// The recovery objectives as `status` measured them, as gauges: each store's recovery point age (local and off-site), the last
/// drill's restore time and age, and the objectives themselves, so an alert compares the two without a copy of the settings. A
/// store with no recovery point, or no drill, is +Inf old: the alert fires on it as on any breach.
/// </summary>
public static class StatusGauges
{
    public static void Render(RecoveryStatus status, Action<string, string, double, string> gauge)
    {
        var now = status.Now;
        foreach (var point in status.Local)
        {
            gauge("summit_dr_recovery_point_age_seconds", "Age of each store's newest recovery point (PostgreSQL: its last archived " +
                "second when point-in-time recovery is on), when status ran.", Age(point, now), Store(point));
        }

        foreach (var point in status.OffSite?.Points ?? [])
        {
            gauge("summit_dr_offsite_recovery_point_age_seconds", "Age of each store's newest complete copy off-site, when status ran.",
                Age(point, now), Store(point));
        }

        if (status.OffSite is { } offSite)
        {
            gauge("summit_dr_offsite_listed", "1 if status read the remote listing, 0 if it fell back on what the last pushes " +
                "recorded.", offSite.Listed ? 1 : 0, string.Empty);
        }

        if (status.Drill is { } drill)
        {
            gauge("summit_dr_drill_restore_seconds", "How long the last drill's restore took, end to end.", drill.TotalSeconds,
                string.Empty);
            gauge("summit_dr_drill_passed", "1 if the last drill proved its backup, 0 if not.", drill.Passed ? 1 : 0, string.Empty);
        }

        if (status.Estimate is { } estimate)
        {
            gauge("summit_dr_expected_restore_seconds", "How long restoring each store from its newest backup should take, the last " +
                "drill's time scaled by size (an estimate).", estimate.Seconds, string.Empty);
        }

        gauge("summit_dr_drill_age_seconds", "Age of the last drill, when status ran (+Inf: none).",
            status.Drill is { } last ? (now - last.Time).TotalSeconds : double.PositiveInfinity, string.Empty);
        gauge("summit_dr_objective_rpo_seconds", "The recovery point objective (Objectives:RpoMinutes).",
            status.Objectives.Rpo.TotalSeconds, string.Empty);
        gauge("summit_dr_objective_rto_seconds", "The recovery time objective (Objectives:RtoMinutes).",
            status.Objectives.Rto.TotalSeconds, string.Empty);
        gauge("summit_dr_objective_drill_max_age_seconds", "How old the last drill may be (Objectives:DrillMaxAgeDays).",
            status.Objectives.DrillMaxAge.TotalSeconds, string.Empty);
        gauge("summit_dr_objectives_breached", "How many recovery objectives status found breached.", status.Breaches.Count, string.Empty);
    }

    private static double Age(RecoveryPoint point, DateTimeOffset now) =>
        point.AgeAt(now) is { } age ? Math.Round(age.TotalSeconds) : double.PositiveInfinity;

    private static string Store(RecoveryPoint point) => $"store=\"{point.Store.ToString().ToLowerInvariant()}\"";
}
