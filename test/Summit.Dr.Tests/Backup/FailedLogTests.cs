using Summit.Dr.Archive.Catalog;
using Summit.Dr.Errors;
using Summit.Dr.Tests.Support;

namespace Summit.Dr.Tests.Backup;

/// <summary>The logs failed runs keep beside the backups do not pile up: the newest stay, the failed run's own among them.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class FailedLogTests
{
    [Test]
    public void A_failed_run_keeps_its_log_and_the_newest_others_up_to_the_limit()
    {
        using var harness = new CoreHarness();
        Directory.CreateDirectory(harness.Root);
        var earlier = Enumerable.Range(1, FailedLogs.Kept + 2).Select(d => $".failed-200001{d:00}_120000.log").ToList();
        earlier.ForEach(name => File.WriteAllText(Path.Combine(harness.Root, name), "failed"));
        harness.Docker.When(FakeDocker.IsPgDump, 1, "pg_dump: error: connection to server failed");

        Assert.ThrowsAsync<OperationFailedException>(() => harness.RunBackupAsync());

        var left = Directory.GetFiles(harness.Root, ".failed-*.log").Select(Path.GetFileName).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(left, Has.Count.EqualTo(FailedLogs.Kept));
            Assert.That(left, Has.None.EqualTo(earlier[0]).And.None.EqualTo(earlier[1]).And.None.EqualTo(earlier[2]), "the oldest went");
            Assert.That(left, Has.Some.Not.StartWith(".failed-2000"), "the failed run's own log is kept");
        });
    }
}
