using Summit.Dr.Model;

namespace Summit.Dr.Operations.Status;

/// <summary>Which objective each figure breaches, and by how much: one sentence each, saying what to do.</summary>
public static class RecoveryVerdict
{
    /// <summary>How far ahead of this machine's clock a recorded time may be before it is not believed.</summary>
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    public static IReadOnlyList<string> Breaches(
        DateTimeOffset now, RecoveryObjectives objectives, IReadOnlyList<RecoveryPoint> local, OffSiteStatus? offSite, DrillProof? drill,
            RestoreEstimate? estimate)
    {
        var breaches = new List<string>();
        foreach (var point in local)
        {
            Rpo(point, string.Empty, "Run `summit-dr backup`.");
        }

        foreach (var point in offSite?.Points ?? [])
        {
            Rpo(point, "off-site ", "Run `summit-dr push latest`.");
        }

        var rto = objectives.Rto;
        if (drill is null)
        {
            breaches.Add($"RTO unproven: no drill is recorded. Run `summit-dr drill`.");
        }
        else
        {
            if (!drill.Passed)
            {
                breaches.Add($"RTO unproven: the last drill ({drill.Backup}) did not pass. Read its report and run `summit-dr drill` " +
                    "again.");
            }
            else if (TimeSpan.FromSeconds(drill.TotalSeconds) > rto)
            {
                breaches.Add($"RTO: the last drill restored in {Durations.Say(TimeSpan.FromSeconds(drill.TotalSeconds))}, " +
                    $"{Durations.Say(TimeSpan.FromSeconds(drill.TotalSeconds) - rto)} over the {Durations.Say(rto)} objective.");
            }

            if (now - drill.Time is var ahead && ahead < -Skew)
            {
                breaches.Add($"RTO unproven: the last drill ({drill.Backup}) is dated {Durations.Say(-ahead)} in the future. Check this " +
                    "machine's clock, and run `summit-dr drill`.");
            }
            else if (now - drill.Time is var age && age > objectives.DrillMaxAge)
            {
                breaches.Add($"RTO proof stale: the last drill is {Durations.Say(age)} old, " +
                    $"{Durations.Say(age - objectives.DrillMaxAge)} past the {Durations.Say(objectives.DrillMaxAge)} it may be. Run " +
                    "`summit-dr drill`.");
            }
        }

        if (estimate is { Scaled: true } && TimeSpan.FromSeconds(estimate.Seconds) is var expected && expected > rto)
        {
            breaches.Add($"RTO (estimated): restoring {estimate.Backup} should take about {Durations.Say(expected)}, " +
                $"{Durations.Say(expected - rto)} over the {Durations.Say(rto)} objective. Drill it to measure.");
        }

        return breaches;

        void Rpo(RecoveryPoint point, string where, string fix)
        {
            var store = point.Store.ToString().ToLowerInvariant();
            if (point.AgeAt(now) is not { } age)
            {
                breaches.Add($"RPO: {where}{store} has no recovery point. {fix}");
            }
            else if (age < -Skew)
            {
                breaches.Add($"RPO: {where}{store}'s newest recovery point is dated {Durations.Say(-age)} in the future " +
                    $"({point.Source}). Check this machine's clock.");
            }
            else if (age > objectives.Rpo)
            {
                breaches.Add($"RPO: {where}{store}'s newest recovery point is {Durations.Say(age)} old, " +
                    $"{Durations.Say(age - objectives.Rpo)} over the {Durations.Say(objectives.Rpo)} objective. {fix}");
            }
        }
    }
}
