using Summit.Dr.Archive.Retention;
using Summit.Dr.Model;


namespace Summit.Dr.Tests.Prune;

[TestFixture]
[CancelAfter(10_000)]
public sealed class PrunePlannerTests
{
    // Spread over four months; 2025-09-25 is a Thursday (ISO week 39), 2025-09-20 a Saturday (week 38).
    private static readonly string[] Regular =
    [
        "20250925_120000", "20250925_080000", "20250924_120000", "20250920_120000", "20250914_120000",
        "20250901_120000", "20250831_120000", "20250815_120000", "20250710_120000", "20250601_120000",
    ];

    [Test]
    public void Restic_rules_keep_exactly_the_expected_set()
    {
        var entries = Regular.Select(n => Entry(n, BackupState.Complete)).ToList();

        var plan = PrunePlanner.Plan(
            entries, new PrunePolicy(KeepLast: 2, KeepDaily: 3, KeepWeekly: 2, KeepMonthly: 3, KeepSafety: null), TimeZoneInfo.Utc);

        Assert.That(plan.Where(d => d.Keep).Select(d => d.Entry.Name), Is.EquivalentTo(new[]
        {
            "20250925_120000", "20250925_080000", "20250924_120000", "20250920_120000", "20250831_120000", "20250710_120000",
        }));
        var reasons = plan.ToDictionary(d => d.Entry.Name, d => string.Join(", ", d.Reasons));
        Assert.Multiple(() =>
        {
            Assert.That(reasons["20250925_120000"], Is.EqualTo("postgres: newest, last 1, daily 1, weekly 1, monthly 1"));
            Assert.That(reasons["20250925_080000"], Is.EqualTo("postgres: last 2"), "same day as the newest: daily keeps only one per day");
            Assert.That(reasons["20250920_120000"], Is.EqualTo("postgres: daily 3, weekly 2"));
            Assert.That(reasons["20250831_120000"], Is.EqualTo("postgres: monthly 2"), "the newest of August");
            Assert.That(reasons["20250815_120000"], Is.EqualTo("no rule keeps it for any store it holds"));
        });
    }

    [Test]
    public void The_newest_complete_backup_survives_any_policy()
    {
        var entries = Regular.Take(3).Select(n => Entry(n, BackupState.Complete)).ToList();

        var plan = PrunePlanner.Plan(entries, new PrunePolicy(KeepLast: 0, null, null, null, null), TimeZoneInfo.Utc);

        Assert.That(plan.Where(d => d.Keep).Select(d => d.Entry.Name), Is.EqualTo(new[] { "20250925_120000" }));
    }

    [Test]
    public void Safety_backups_have_their_own_count_unfinished_work_goes_and_corrupt_ones_stay()
    {
        var entries = new List<BackupEntry>
        {
            Entry("20250925_120000", BackupState.Complete),
            Entry("20250925_130000-safety", BackupState.Safety),
            Entry("20250924_130000-safety", BackupState.Safety),
            Entry(".incomplete-20250923_120000", BackupState.Incomplete),
            Entry("20250922_120000", BackupState.Corrupt),
        };

        var plan = PrunePlanner.Plan(entries, new PrunePolicy(KeepLast: 1, null, null, null, KeepSafety: 1), TimeZoneInfo.Utc)
            .ToDictionary(d => d.Entry.Name);

        Assert.Multiple(() =>
        {
            Assert.That(plan["20250925_130000-safety"].Keep, Is.True);
            Assert.That(plan["20250924_130000-safety"].Keep, Is.False);
            Assert.That(plan[".incomplete-20250923_120000"].Keep, Is.False);
            Assert.That(plan[".incomplete-20250923_120000"].Reasons[0], Does.Contain("unfinished work"));
            Assert.That(plan["20250922_120000"].Keep, Is.True);
        });
    }

    [Test]
    public void Without_keep_safety_every_safety_backup_is_kept()
    {
        var entries = new List<BackupEntry> { Entry("20250925_120000", BackupState.Complete),
            Entry("20250901_130000-safety", BackupState.Safety) };

        var plan = PrunePlanner.Plan(entries, new PrunePolicy(KeepLast: 1, null, null, null, null), TimeZoneInfo.Utc);

        Assert.That(plan.All(d => d.Keep), Is.True);
    }

    [Test]
    public void A_backup_made_with_only_counts_only_for_the_stores_it_holds()
    {
        var entries = new List<BackupEntry>
        {
            Entry("20250925_120000", BackupState.Complete, BackupComponent.Uploads),
            Entry("20250924_120000", BackupState.Complete, BackupComponent.Postgres, BackupComponent.Neo4j, BackupComponent.Uploads),
            Entry("20250923_120000", BackupState.Complete, BackupComponent.Postgres, BackupComponent.Neo4j, BackupComponent.Uploads),
        };

        var plan = PrunePlanner.Plan(entries, new PrunePolicy(KeepLast: 1, null, null, null, null), TimeZoneInfo.Utc).ToDictionary(
            d => d.Entry.Name);

        Assert.Multiple(() =>
        {
            Assert.That(plan["20250925_120000"].Reasons, Is.EqualTo(new[] { "uploads: newest, last 1" }));
            Assert.That(plan["20250924_120000"].Keep, Is.True, "the last copy of PostgreSQL and Neo4j survives --keep-last 1");
            Assert.That(plan["20250924_120000"].Reasons, Is.EqualTo(new[] { "postgres: newest, last 1", "neo4j: newest, last 1" }));
            Assert.That(plan["20250923_120000"].Keep, Is.False);
        });
    }

    [Test]
    public void The_newest_backup_of_each_store_survives_any_policy()
    {
        var entries = new List<BackupEntry>
        {
            Entry("20250925_120000", BackupState.Complete, BackupComponent.Uploads),
            Entry("20250924_120000", BackupState.Complete, BackupComponent.Neo4j),
            Entry("20250920_120000", BackupState.Legacy, BackupComponent.Postgres),
            Entry("20250901_120000", BackupState.Legacy, BackupComponent.Postgres),
        };

        var plan = PrunePlanner.Plan(entries, new PrunePolicy(KeepLast: 0, null, null, null, null), TimeZoneInfo.Utc);

        Assert.That(plan.Where(d => d.Keep).Select(d => d.Entry.Name),
            Is.EquivalentTo(new[] { "20250925_120000", "20250924_120000", "20250920_120000" }));
    }

    private static BackupEntry Entry(string name, BackupState state, params BackupComponent[] components)
    {
        var stem = name.TrimStart('.').Replace("incomplete-", string.Empty, StringComparison.Ordinal)[..15];
        var time = DateTimeOffset.ParseExact(
            stem, "yyyyMMdd_HHmmss", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal);
        return new BackupEntry(
            name, "/backups/" + name, time, 1000, components.Length == 0 ? [BackupComponent.Postgres] : components, state, null);
    }
}
