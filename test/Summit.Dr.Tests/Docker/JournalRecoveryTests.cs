using System.Text.Json;
using Summit.Dr.Engine.Discovery;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Recovery;
using Summit.Dr.Stores.Neo4j;
using Summit.Dr.Testing;
using Summit.Dr.Tests.Support;

namespace Summit.Dr.Tests.Docker;

[TestFixture]
[CancelAfter(30_000)]
public sealed class JournalRecoveryTests
{
    [Test]
    public async Task A_journal_left_by_a_killed_run_restarts_neo4j_and_waits_until_it_answers()
    {
        using var harness = new CoreHarness();
        harness.Docker.Containers["neo4j"].Running = false;
        WriteJournal(harness.Root, new ProcessIdentity(Environment.MachineName, int.MaxValue - 7, DateTimeOffset.UtcNow), "neo4j");

        await DiscoveredAsync(harness);

        await harness.Get<JournalRecovery>().RecoverAsync(new BackupRoot(harness.Root), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(harness.Docker.Lines, Is.EqualTo(new[]
            {
                "inspect --type container neo4j",
                $"rm --force summit-dr-admin-neo4j-{int.MaxValue - 7}",
                $"rm --force summit-dr-safety-neo4j-{int.MaxValue - 7}",
                "start neo4j",
                "exec -e NEO4J_USERNAME -e NEO4J_PASSWORD neo4j cypher-shell --format plain MATCH (n) RETURN count(n)",
            }));
            Assert.That(harness.Docker.Containers["neo4j"].Running, Is.True);
            Assert.That(File.Exists(Path.Combine(harness.Root, StopJournal.FileName)), Is.False);
            Assert.That(harness.Log.Text, Does.Contain("died before starting it again"));
        });
    }

    [Test]
    public async Task A_damaged_journal_is_reported_and_acted_on_neo4j_is_started_and_the_journal_kept_for_inspection()
    {
        using var harness = new CoreHarness();
        harness.Docker.Containers["neo4j"].Running = false;
        Directory.CreateDirectory(harness.Root);
        OwnFile.Write(Path.Combine(harness.Root, StopJournal.FileName), "{\"owner\": {\"host\": \"ba");

        await harness.Get<JournalRecovery>().RecoverAsync(new BackupRoot(harness.Root), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(harness.Docker.Containers["neo4j"].Running, Is.True, "what the damaged journal said is lost: the configured " +
                "Neo4j is started");
            Assert.That(harness.Docker.Lines, Does.Contain("start neo4j"));
            Assert.That(File.Exists(Path.Combine(harness.Root, StopJournal.FileName)), Is.False, "the next run does not trip over it " +
                "again");
            Assert.That(Directory.GetFiles(harness.Root, ".summit-dr-stopped.json.damaged-*"), Has.Length.EqualTo(1), "it is kept for " +
                "inspection");
            Assert.That(harness.Log.Text, Does.Contain("is damaged").And.Contain("kept as"));
        });
    }

    [Test]
    public async Task A_damaged_journal_with_neo4j_running_starts_nothing()
    {
        using var harness = new CoreHarness();
        Directory.CreateDirectory(harness.Root);
        OwnFile.Write(Path.Combine(harness.Root, StopJournal.FileName), "not json");
        await DiscoveredAsync(harness);

        await harness.Get<JournalRecovery>().RecoverAsync(new BackupRoot(harness.Root), CancellationToken.None);

        Assert.That(harness.Docker.Lines, Is.EqualTo(new[] { "inspect --type container neo4j" }));
        Assert.That(harness.Log.Text, Does.Contain("is damaged"));
    }

    [Test]
    public async Task A_journal_of_a_run_that_is_still_alive_is_left_alone()
    {
        using var harness = new CoreHarness();
        harness.Docker.Containers["neo4j"].Running = false;
        WriteJournal(harness.Root, ProcessIdentity.Current(), "neo4j");

        await harness.Get<JournalRecovery>().RecoverAsync(new BackupRoot(harness.Root), CancellationToken.None);

        Assert.That(harness.Docker.Calls, Is.Empty);
        Assert.That(File.Exists(Path.Combine(harness.Root, StopJournal.FileName)), Is.True);
    }

    [Test]
    public async Task No_journal_means_no_docker_call()
    {
        using var harness = new CoreHarness();

        await harness.Get<JournalRecovery>().RecoverAsync(new BackupRoot(harness.Root), CancellationToken.None);

        Assert.That(harness.Docker.Calls, Is.Empty);
    }

    [Test]
    public async Task A_journaled_container_that_is_already_running_is_not_touched()
    {
        using var harness = new CoreHarness();
        WriteJournal(harness.Root, new ProcessIdentity(Environment.MachineName, int.MaxValue - 7, DateTimeOffset.UtcNow), "neo4j");
        await DiscoveredAsync(harness);

        await harness.Get<JournalRecovery>().RecoverAsync(new BackupRoot(harness.Root), CancellationToken.None);

        Assert.That(harness.Docker.Lines, Is.EqualTo(new[] { "inspect --type container neo4j" }));
        Assert.That(File.Exists(Path.Combine(harness.Root, StopJournal.FileName)), Is.False);
    }

    [TestCase("postgres")]
    [TestCase("victim")]
    public async Task A_journal_naming_another_container_is_refused_and_nothing_is_started(string container)
    {
        using var harness = new CoreHarness();
        harness.Docker.Containers["postgres"].Running = false;
        harness.Docker.Containers["victim"] = new FakeContainer("victim", "busybox", false, []);
        WriteJournal(harness.Root, new ProcessIdentity(Environment.MachineName, int.MaxValue - 7, DateTimeOffset.UtcNow), container);

        var refused = Assert.ThrowsAsync<IntegrityException>(
            () => harness.Get<JournalRecovery>().RecoverAsync(new BackupRoot(harness.Root), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(refused!.Message, Does.Contain(".summit-dr-stopped.json is not obeyed: its containers names " +
                "'" + container + "'").And.Contain("Nothing was started"));
            Assert.That(harness.Docker.Lines.Where(
                l => l.StartsWith("start", StringComparison.Ordinal) || l.StartsWith("rm", StringComparison.Ordinal)), Is.Empty);
            Assert.That(File.Exists(Path.Combine(harness.Root, StopJournal.FileName)), Is.True, "the file is left for a person");
        });
    }

    [Test]
    public void A_journal_that_is_a_link_or_another_users_mode_is_refused()
    {
        using var harness = new CoreHarness();
        WriteJournal(harness.Root, new ProcessIdentity(Environment.MachineName, int.MaxValue - 7, DateTimeOffset.UtcNow), "neo4j");
        File.SetUnixFileMode(
            Path.Combine(harness.Root, StopJournal.FileName),
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);

        var refused = Assert.ThrowsAsync<UnsafeFileException>(
            () => harness.Get<JournalRecovery>().RecoverAsync(new BackupRoot(harness.Root), CancellationToken.None));

        Assert.That(refused!.Message, Does.Contain("has mode 606, not 600"));
        Assert.That(refused.ExitCode, Is.EqualTo(4));
        Assert.That(harness.Docker.Calls, Is.Empty);
    }

    /// <summary>Discovery as a run has done it before recovery: the test then looks at recovery's own calls.</summary>
    private static async Task DiscoveredAsync(CoreHarness harness)
    {
        await harness.Get<PlatformDiscovery>().ApplyAsync(CancellationToken.None);
        harness.Docker.ClearCalls();
    }

    private static void WriteJournal(string root, ProcessIdentity owner, string container)
    {
        Directory.CreateDirectory(root);
        OwnFile.Write(
            Path.Combine(root, StopJournal.FileName),
            JsonSerializer.Serialize(new StopJournalRecord(owner, DateTimeOffset.UtcNow, [container]), JsonDefaults.Options));
    }
}
