using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Stores.Wal;


namespace Summit.Dr.Tests.Pitr;

/// <summary>What a restore to a point in time lays, chosen before anything is touched: the base backup, the timeline path, every segment,
/// a gap refused.</summary>
[TestFixture]
[CancelAfter(10_000)]
public sealed class RecoveryPlannerTests
{
    private const string System = "7714465803063488532";
    private const long Segment = 16 << 20;
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private string _root = null!;

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("summit-dr-wal-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public void The_newest_base_before_the_target_and_every_segment_from_its_start_are_laid()
    {
        var archive = new WalArchive(new BackupRoot(_root));
        var branch = Branch(1, Start);
        Segments(archive, branch, 1, 2..6, partial: 7);
        var early = Base("20261201_100500", 1, "0/2000028", Start.AddMinutes(5));
        var late = Base("20261201_102000", 1, "0/4000028", Start.AddMinutes(20));

        var plan = RecoveryPlanner.Plan(Start.AddMinutes(30), archive, [early, late], _ => Start.AddHours(1));

        Assert.Multiple(() =>
        {
            Assert.That(plan.Base.Name, Is.EqualTo("20261201_102000"));
            Assert.That(plan.Segments.Select(s => s.LaidName),
                Is.EqualTo(new[] { "000000010000000000000004", "000000010000000000000005", "000000010000000000000006",
                    "000000010000000000000007" }));
            Assert.That(Path.GetFileName(plan.Segments[^1].File.Path), Is.EqualTo("000000010000000000000007.partial"), "the segment " +
                "still being written, renamed");
        });
    }

    [Test]
    public void A_missing_segment_before_the_target_is_refused_naming_it()
    {
        var archive = new WalArchive(new BackupRoot(_root));
        var branch = Branch(1, Start);
        Segments(archive, branch, 1, 2..6, partial: 7);
        File.Delete(Path.Combine(archive.PathOf(branch), "000000010000000000000004"));

        var refused = Assert.Throws<IntegrityException>(
            () => RecoveryPlanner.Plan(
                Start.AddHours(2), archive, [Base("b", 1, "0/2000028", Start.AddMinutes(5))], _ => Start.AddHours(3)));

        Assert.That(refused!.Message, Does.Contain("misses segment 000000010000000000000004").And.Contain("nothing was touched"));
    }

    [Test]
    public void A_target_before_every_base_backup_or_after_the_archive_is_refused()
    {
        var archive = new WalArchive(new BackupRoot(_root));
        var branch = Branch(1, Start);
        Segments(archive, branch, 1, 2..3, partial: 4);
        var base1 = Base("b", 1, "0/2000028", Start.AddMinutes(5));

        Assert.Multiple(() =>
        {
            Assert.That(() =>
                RecoveryPlanner.Plan(Start.AddMinutes(2), archive, [base1], _ => Start.AddHours(1)),
                Throws.TypeOf<IntegrityException>().With.Message.Contains("No base backup was finished before"));
            Assert.That(() =>
                RecoveryPlanner.Plan(Start.AddHours(2), archive, [base1], _ => Start.AddHours(1)),
                Throws.TypeOf<IntegrityException>().With.Message.Contains("holds WAL up to"));
            Assert.That(() =>
                RecoveryPlanner.Plan(Start.AddMinutes(-5), archive, [base1], _ => Start.AddHours(1)),
                Throws.TypeOf<IntegrityException>().With.Message.Contains("The WAL archive begins at"));
        });
    }

    [Test]
    public void After_a_restore_the_new_timeline_is_followed_from_an_older_base_through_its_switch()
    {
        var archive = new WalArchive(new BackupRoot(_root));
        var first = Branch(1, Start);
        Segments(archive, first, 1, 2..9, partial: null);
        // A restore at 14:30 went back to 0/5800000 and started timeline 2, archived in its own branch.
        var second = Branch(2, Start.AddHours(4.5));
        Segments(archive, second, 2, 5..6, partial: 7);
        File.WriteAllText(Path.Combine(archive.PathOf(second), "00000002.history"), "1\t0/5800000\tbefore 2026-12-01 14:02:00+00\n");

        var plan = RecoveryPlanner.Plan(
            Start.AddHours(5), archive, [Base("b", 1, "0/2000028", Start.AddMinutes(5))], _ => Start.AddHours(6));
        var older = RecoveryPlanner.Plan(
            Start.AddHours(3), archive, [Base("b", 1, "0/2000028", Start.AddMinutes(5))], b =>
                b.Timeline == 1 ? Start.AddHours(4.4) : Start.AddHours(6));

        Assert.Multiple(() =>
        {
            Assert.That(plan.Path.Target, Is.EqualTo(2u));
            Assert.That(plan.Segments.Select(s => s.LaidName), Is.EqualTo(new[]
            {
                "000000010000000000000002", "000000010000000000000003", "000000010000000000000004",
                "000000020000000000000005", "000000020000000000000006", "000000020000000000000007",
            }), "timeline 1 up to the switch, timeline 2's copy of the switch segment on");
            Assert.That(plan.Histories.Select(Path.GetFileName), Is.EqualTo(new[] { "00000002.history" }));
            Assert.That(older.Path.Target, Is.EqualTo(1u), "before the restore, the platform ran on timeline 1");
            Assert.That(older.Segments[^1].LaidName, Is.EqualTo("000000010000000000000009"));
        });
    }

    [TestCase("0/2000028", 0x2000028UL)]
    [TestCase("1A/FF000000", 0x1AFF000000UL)]
    public void Wal_positions_read_and_write_as_postgresql_does(string text, ulong lsn)
    {
        Assert.Multiple(() =>
        {
            Assert.That(WalFileName.ParseLsn(text), Is.EqualTo(lsn));
            Assert.That(WalFileName.FormatLsn(lsn), Is.EqualTo(text));
            Assert.That(WalFileName.Parse("00000003000000010000002A.partial", Segment),
                Is.EqualTo(new WalFileName(3, 0x12A, Partial: true)));
            Assert.That(WalFileName.Parse("00000003000000010000002A.history", Segment), Is.Null);
            Assert.That(new WalFileName(3, 0x12A, false).SegmentName(Segment), Is.EqualTo("00000003000000010000002A"));
        });
    }

    [Test]
    public void Prune_removes_only_segments_older_than_the_oldest_kept_base()
    {
        var archive = new WalArchive(new BackupRoot(_root));
        var branch = Branch(1, Start);
        Segments(archive, branch, 1, 1..6, partial: 7);

        var removable = WalPrune.Removable(archive, [Base("b", 1, "0/4000028", Start.AddMinutes(5)).Base]);

        Assert.That(removable.Select(f => Path.GetFileName(f.Path)),
            Is.EqualTo(new[] { "000000010000000000000001", "000000010000000000000002", "000000010000000000000003" }));
    }

    [TestCase("-15m", -15 * 60)]
    [TestCase("-2h", -2 * 3600)]
    [TestCase("-90s", -90)]
    public void A_target_back_from_now_is_read(string text, int seconds)
    {
        Assert.That(RecoveryTarget.Parse(text, Start), Is.EqualTo(Start.AddSeconds(seconds)));
    }

    [Test]
    public void An_absolute_target_keeps_its_offset_and_nonsense_is_a_usage_error()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RecoveryTarget.Parse("2026-12-01 " +
                "14:02:00+01", Start), Is.EqualTo(new DateTimeOffset(2026, 12, 1, 13, 2, 0, TimeSpan.Zero)));
            Assert.That(() => RecoveryTarget.Parse("yesterday-ish", Start), Throws.TypeOf<UsageException>());
        });
    }

    private WalBranch Branch(uint timeline, DateTimeOffset activated)
    {
        var archive = new WalArchive(new BackupRoot(_root));
        return archive.Activate(new WalBranch(System, timeline, Segment, "postgres", "postgres:16-alpine", []), activated);
    }

    /// <summary>Small files stand for segments (only names and times are read); each is written a minute after the last.</summary>
    private static void Segments(WalArchive archive, WalBranch branch, uint timeline, Range complete, int? partial)
    {
        var time = branch.Activations[^1];
        foreach (var segment in Enumerable.Range(complete.Start.Value, complete.End.Value - complete.Start.Value + 1))
        {
            Write(archive, branch, new WalFileName(timeline, (ulong)segment, false).FileName(Segment), time = time.AddMinutes(10));
        }

        if (partial is { } p)
        {
            Write(archive, branch, new WalFileName(timeline, (ulong)p, true).FileName(Segment), time.AddMinutes(10));
        }
    }

    private static void Write(WalArchive archive, WalBranch branch, string name, DateTimeOffset modified)
    {
        var path = Path.Combine(archive.PathOf(branch), name);
        File.WriteAllBytes(path, [1]);
        File.SetLastWriteTimeUtc(path, modified.UtcDateTime);
    }

    private static BaseCandidate Base(string name, uint timeline, string start, DateTimeOffset finished) =>
        new(name, "/nowhere/" + name,
            new PostgresBase(
                new ArtifactRecord("postgres.base.tar.gz", 1, new string('0', 64), finished.AddMinutes(-1), finished), System, timeline,
                start, start, Segment, 1));

}
