using Summit.Dr.Engine.Docker;
using Summit.Dr.Engine.Locking;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Tests.Support;

namespace Summit.Dr.Tests.Locking;

/// <summary>
/// The platform's lock lives in the engine, as a container named after the platform: a run from another backup root meets it,
/// a dead run's is taken over, and a run holds it once however often it asks.
/// </summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class PlatformLockTests : IDisposable
{
    private static readonly BackupRoot Root = new("/srv/summit/backups");
    private CoreHarness? _harness;
    private FakeDocker _docker = null!;
    private OperationLock _lock = null!;

    [SetUp]
    public void SetUp()
    {
        _harness = new CoreHarness(withUploads: false);
        _docker = _harness.Docker;
        _lock = _harness.Get<OperationLock>();
    }

    [TearDown]
    public void Dispose()
    {
        _harness?.Dispose();
        _harness = null;
    }

    private async Task<string> LockNameAsync()
    {
        await using (await _lock.HoldPlatformAsync(null, "backup", Root, CancellationToken.None))
        {
            return LockName;
        }
    }

    private string LockName => _docker.Containers.Keys.Single(n => n.StartsWith("summit-dr-lock-", StringComparison.Ordinal));

    [Test]
    public async Task Holding_creates_a_container_that_never_starts_and_releasing_removes_it()
    {
        await using (await _lock.HoldPlatformAsync(null, "backup", Root, CancellationToken.None))
        {
            var held = _docker.Containers[LockName];
            Assert.Multiple(() =>
            {
                Assert.That(held.Running, Is.False);
                Assert.That(held.Labels[OneOffOwner.Label], Is.EqualTo(ProcessIdentity.Current().Token));
                Assert.That(held.Labels[PlatformLock.OperationLabel], Is.EqualTo("backup"));
                Assert.That(held.Labels[PlatformLock.RootLabel], Is.EqualTo(Root.Path));
                Assert.That(_docker.Lines, Has.Some.StartWith("create --pull never --network none --name summit-dr-lock-"));
            });
        }

        Assert.That(_docker.Containers.Keys, Has.None.StartWith("summit-dr-lock-"));
    }

    [Test]
    public async Task A_live_holder_from_another_root_refuses_the_run_with_its_name_and_root()
    {
        var name = await LockNameAsync();
        var holder = new FakeContainer(name, "postgres:16-alpine", false, []);
        holder.Labels[OneOffOwner.Label] = "otherhost/4242/1700000000000";
        holder.Labels[PlatformLock.OperationLabel] = "restore";
        holder.Labels[PlatformLock.RootLabel] = "/elsewhere/backups";
        _docker.Containers[name] = holder;

        var error = Assert.ThrowsAsync<LockedException>(() => _lock.HoldPlatformAsync(null, "backup", Root, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("Another summit-dr restore is working on this platform (PostgreSQL 'postgres', " +
            "Neo4j 'neo4j'): pid 4242 on otherhost, backup root /elsewhere/backups, since").And.Contain(
                "one platform takes one operation at a time"));
        Assert.That(error.ExitCode, Is.EqualTo(3));
        Assert.That(_docker.Containers[name].Labels[OneOffOwner.Label], Is.EqualTo("otherhost/4242/1700000000000"), "its lock stays");
    }

    [Test]
    public async Task A_lock_whose_run_died_is_taken_over()
    {
        var name = await LockNameAsync();

        var stale = new FakeContainer(name, "postgres:16-alpine", false, []);
        stale.Labels[OneOffOwner.Label] = $"{Environment.MachineName}/{int.MaxValue - 7}/1700000000000";
        stale.Labels[PlatformLock.OperationLabel] = "backup";
        _docker.Containers[name] = stale;
        _docker.ClearCalls();

        await using var taken = await _lock.HoldPlatformAsync(null, "restore", Root, CancellationToken.None);

        Assert.That(_docker.Containers[name].Labels[PlatformLock.OperationLabel], Is.EqualTo("restore"));
        Assert.That(_docker.Lines.Count(l => l == "rm --force --volumes " + stale.Id), Is.EqualTo(1),
            "the dead run's lock was removed, once, by its id (not a lock another run made meanwhile), with the anonymous " +
                "volumes its image gave it");
    }

    [Test]
    public async Task A_hold_inside_a_hold_is_the_same_hold()
    {
        await using var outer = await _lock.HoldPlatformAsync(null, "restore", Root, CancellationToken.None);
        await using (await _lock.HoldPlatformAsync(null, "backup", Root, CancellationToken.None))
        {
            Assert.That(_docker.Lines.Count(l => l.StartsWith("create ", StringComparison.Ordinal)), Is.EqualTo(1));
        }

        Assert.That(_docker.Containers.Keys, Has.One.StartWith("summit-dr-lock-"), "the inner release keeps the outer hold");
    }
}
