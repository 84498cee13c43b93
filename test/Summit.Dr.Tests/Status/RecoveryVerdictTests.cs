using Summit.Dr.Model;
using Summit.Dr.Operations.Status;
using Summit.Dr.Reporting;

namespace Summit.Dr.Tests.Status;

/// <summary>Which objective each figure breaches and by how much, and the gauges an alert compares.</summary>
[TestFixture]
public sealed class RecoveryVerdictTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly RecoveryObjectives Objectives = new(TimeSpan.FromDays(1), TimeSpan.FromMinutes(10), TimeSpan.FromDays(7));

    private static List<RecoveryPoint> Points(params TimeSpan?[] ages) =>
        ages.Select((age, i) => new RecoveryPoint((BackupComponent)i, age is { } a ? Now - a : null, "manifest of x", Now)).ToList();

    private static DrillProof Drill(TimeSpan age, double seconds = 120, bool passed = true) =>
        new("b", Now - age, passed, seconds, 1000, "b/drill.json");

    [Test]
    public void Fresh_points_and_a_fresh_passing_drill_within_the_rto_breach_nothing()
    {
        var breaches = RecoveryVerdict.Breaches(
            Now, Objectives, Points(TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(3)), null,
            Drill(TimeSpan.FromDays(1)), new RestoreEstimate("b", 1000, 120, Scaled: false));

        Assert.That(breaches, Is.Empty);
    }

    [Test]
    public void Each_breach_says_which_objective_by_how_much_and_what_to_do()
    {
        var offSite = new OffSiteStatus("s3://b/", Points(TimeSpan.FromDays(3), null, TimeSpan.FromHours(1)), Listed: true, null);

        var breaches = RecoveryVerdict.Breaches(
            Now, Objectives, Points(TimeSpan.FromHours(25), TimeSpan.FromHours(1), null), offSite,
            Drill(TimeSpan.FromDays(8), seconds: 900), new RestoreEstimate("c", 3000, 2700, Scaled: true));

        Assert.That(breaches, Is.EqualTo(new[]
        {
            "RPO: postgres's newest recovery point is 1 d 1 h old, 1 h over the 1 d objective. Run `summit-dr backup`.",
            "RPO: uploads has no recovery point. Run `summit-dr backup`.",
            "RPO: off-site postgres's newest recovery point is 3 d old, 2 d over the 1 d objective. Run `summit-dr push latest`.",
            "RPO: off-site neo4j has no recovery point. Run `summit-dr push latest`.",
            "RTO: the last drill restored in 15 min, 5 min over the 10 min objective.",
            "RTO proof stale: the last drill is 8 d old, 1 d past the 7 d it may be. Run `summit-dr drill`.",
            "RTO (estimated): restoring c should take about 45 min, 35 min over the 10 min objective. Drill it to measure.",
        }));
    }

    [Test]
    public void A_drill_that_did_not_pass_or_none_leaves_the_rto_unproven()
    {
        var failed = RecoveryVerdict.Breaches(
            Now, Objectives, Points(TimeSpan.Zero), null, Drill(TimeSpan.FromHours(1), passed: false), null);
        var none = RecoveryVerdict.Breaches(Now, Objectives, Points(TimeSpan.Zero), null, null, null);

        Assert.That(failed, Is.EqualTo(new[]
        {
            "RTO unproven: the last drill (b) did not pass. Read its report and run `summit-dr drill` again.",
        }));
        Assert.That(none, Is.EqualTo(new[] { "RTO unproven: no drill is recorded. Run `summit-dr drill`." }));
    }

    [Test]
    public void A_point_or_a_drill_dated_ahead_of_the_clock_is_not_believed()
    {
        var breaches = RecoveryVerdict.Breaches(
            Now, Objectives, Points(TimeSpan.FromDays(-2)), null, Drill(TimeSpan.FromDays(-30)), null);

        Assert.That(breaches, Is.EqualTo(new[]
        {
            "RPO: postgres's newest recovery point is dated 2 d in the future (manifest of x). Check this machine's clock.",
            "RTO unproven: the last drill (b) is dated 30 d in the future. Check this machine's clock, and run `summit-dr drill`.",
        }));
    }

    [Test]
    public void The_gauges_carry_each_age_the_objectives_and_inf_for_what_has_no_point()
    {
        var status = new RecoveryStatus(
            Now, Objectives, Points(TimeSpan.FromMinutes(5), null),
            new OffSiteStatus("s3://b/", Points(TimeSpan.FromHours(2)), false, "down"),
            Drill(TimeSpan.FromHours(1)), null, ["x"]);
        var outcome = new RunOutcome("status", "summit", 5, Now, TimeSpan.FromSeconds(1), null, false, new RunFacts { Status = status });

        var text = RunMetrics.Render(outcome, groupingLabels: false);

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("summit_dr_recovery_point_age_seconds{store=\"postgres\"} 300\n"));
            Assert.That(text, Does.Contain("summit_dr_recovery_point_age_seconds{store=\"neo4j\"} +Inf\n"));
            Assert.That(text, Does.Contain("summit_dr_offsite_recovery_point_age_seconds{store=\"postgres\"} 7200\n"));
            Assert.That(text, Does.Contain("summit_dr_offsite_listed 0\n"));
            Assert.That(text, Does.Contain("summit_dr_drill_restore_seconds 120\n").And.Contain("summit_dr_drill_age_seconds 3600\n"));
            Assert.That(text, Does.Contain("summit_dr_objective_rpo_seconds 86400\n").And.Contain("summit_dr_objective_rto_seconds 600\n")
                .And.Contain("summit_dr_objective_drill_max_age_seconds 604800\n"));
            Assert.That(text, Does.Contain("summit_dr_objectives_breached 1\n"));
            Assert.That(text, Does.Contain("summit_dr_last_run_result{result=\"breached\"} 1\n"));
        });
    }
}
