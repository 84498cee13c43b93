using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Wal;
using Summit.Dr.Tests.Support;
using Summit.Dr.Model;


namespace Summit.Dr.Tests.Pitr;

/// <summary>
/// Where the archiver writes (Pitr:Archive): the backup root through a bind mount where the engine sees it, else
/// a volume made ready for the archiver's user; and what a dry run plans is what a start runs.
/// </summary>
[TestFixture]
[CancelAfter(10_000)]
public sealed class WalArchiverPlaceTests
{
    private static readonly ContainerInfo Postgres = new(
        "id", "postgres", "postgres:16-alpine", true, "running", new Dictionary<string, string>(), new Dictionary<string, string>());
    private static readonly WalBranch Branch = new("7714465803063488532", 1, 16 << 20, "postgres", "postgres:16-alpine", []);

    [TestCase(WalArchivePlace.Auto, true, false)]
    [TestCase(WalArchivePlace.Auto, false, true)]
    [TestCase(WalArchivePlace.Volume, true, true)]
    [TestCase(WalArchivePlace.BindMount, true, false)]
    public async Task The_archiver_writes_where_the_engine_can_and_the_plan_is_what_runs(
        WalArchivePlace place, bool engineSees, bool expectVolume)
    {
        using var harness = new CoreHarness(o => o.Pitr.Archive = place);
        harness.Docker.When(s => s.Arguments.Contains("cat"), (s, _) => Task.FromResult(engineSees
            ? FakeDocker.Result(0, File.ReadAllText(Path.Combine(FakeDocker.BindSource(s.Arguments)!, WalBranch.MetadataFile)))
            : FakeDocker.Result(125, stderr: "docker: Error response from daemon: invalid mount config for type \"bind\": bind source " +
                "path does not exist")));
        harness.Docker.When(
            s => s.Arguments.Contains("install") || s.Arguments.Contains("pg_receivewal") || s.Arguments[0] == "rm", 0, string.Empty);
        var archiver = harness.Get<WalArchiver>();
        var archive = new WalArchive(new BackupRoot(harness.Root));
        var inVolume = false;
        var script = archiver.Replace(Postgres, Branch, archive, previous: null, v => inVolume = v);
        var planned = script.Commands().Select(c => string.Join(' ', c.Arguments)).ToList();

        await harness.Get<ScriptRunner>().RunAsync(script, CancellationToken.None);

        var ran = harness.Docker.Lines;
        Assert.Multiple(() =>
        {
            Assert.That(inVolume, Is.EqualTo(expectVolume));
            var run = ran.Single(l => l.Contains("pg_receivewal", StringComparison.Ordinal));
            Assert.That(run, expectVolume
                ? Does.Contain("--label summit-dr.wal.volume=summit-dr-wal-postgres --mount " +
                    "type=volume,source=summit-dr-wal-postgres,target=/summit-dr-wal ").And.Contain(
                        "-D /summit-dr-wal/" + Branch.Name + " ")
                : Does.Contain("--mount type=bind,source=" + archive.PathOf(Branch) + ",target=/summit-dr-wal ").And.Contain(
                    "-D /summit-dr-wal "));
            Assert.That(ran.Any(l => l.Contains(" install -d -m " +
                "0700 ", StringComparison.Ordinal) && l.Contains("--user 0 ", StringComparison.Ordinal)), Is.EqualTo(expectVolume),
                "a volume's branch directory is made for the archiver's user first");
            Assert.That(ran.Any(l => l.Contains(" cat /summit-dr-wal/branch.json", StringComparison.Ordinal)),
                Is.EqualTo(place == WalArchivePlace.Auto), "only auto probes");
            if (place != WalArchivePlace.Auto || engineSees)
            {
                Assert.That(ran.Where(l => !l.StartsWith("inspect ", StringComparison.Ordinal)), Is.EqualTo(planned), "the plan is what " +
                    "runs (questions aside)");
            }
        });
    }
}
