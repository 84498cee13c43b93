using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Moq;
using Summit.Dr.Archive.Catalog;
using Summit.Dr.Archive.Encryption;
using Summit.Dr.Archive.Remote;
using Summit.Dr.Archive.Trust;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;
using Summit.Dr.Engine.Locking;
using Summit.Dr.Model;
using Summit.Dr.Operations.Remote;
using Summit.Dr.Operations.Restore;
using Summit.Dr.Operations.Status;
using Summit.Dr.Steps;
using Summit.Dr.Tests.Support;

namespace Summit.Dr.Tests.Remote;

/// <summary>
/// Push and pull against a store whose every call is recorded: the manifest goes up last and only after
/// every object read back right; a transfer that keeps failing is retried, then leaves no manifest and
/// removes what went up; a damaged object is refused on pull with nothing kept.
/// </summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class RemoteBackupsTests : IDisposable
{
    private readonly Dictionary<string, byte[]> _objects = new(StringComparer.Ordinal);
    private readonly List<string> _calls = [];
    private CoreHarness? _harness;
    private Mock<IRemoteStore> _store = null!;

    [SetUp]
    public void SetUp()
    {
        _objects.Clear();
        _calls.Clear();
        _harness = new CoreHarness();
        _store = new Mock<IRemoteStore>(MockBehavior.Strict);
        _store.SetupGet(s => s.Location).Returns("fake://bucket/summit-dr/");
        _store.Setup(s => s.IsTransient(It.IsAny<Exception>())).Returns<Exception>(e => e is HttpRequestException);
        _store.Setup(s => s.Explain(It.IsAny<Exception>())).Returns((string?)null);
        _store.Setup(s => s.UploadAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns<string, string, CancellationToken>(async (key, path, _) =>
            {
                _calls.Add("upload " + key);
                _objects[key] = await File.ReadAllBytesAsync(path, CancellationToken.None);
            });
        _store.Setup(s => s.DownloadAsync(It.IsAny<string>(), It.IsAny<Stream>(), It.IsAny<CancellationToken>()))
            .Returns<string, Stream, CancellationToken>(async (key, destination, _) =>
            {
                _calls.Add("download " + key);
                await destination.WriteAsync(_objects[key], CancellationToken.None);
            });
        _store.Setup(s => s.ListAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns<string, CancellationToken>((prefix, _) => Task.FromResult<IReadOnlyList<RemoteObject>>(
                _objects.Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(
                    o => new RemoteObject(o.Key, o.Value.Length)).ToList()));
        _store.Setup(s => s.DeleteAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns<string, CancellationToken>((key, _) =>
            {
                _calls.Add("delete " + key);
                _objects.Remove(key);
                return Task.CompletedTask;
            });
    }

    [TearDown]
    public void Dispose()
    {
        _harness?.Dispose();
        _harness = null;
    }

    [Test]
    public async Task Push_reads_every_object_back_and_writes_the_manifest_last_then_pull_brings_an_identical_backup()
    {
        var backup = await Harness.RunBackupAsync();
        var name = Path.GetFileName(backup.Directory);
        var remote = Remote();

        var pushed = await remote.PushAsync("latest", CancellationToken.None);

        var uploads = _calls.Where(c => c.StartsWith("upload ", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(pushed.AlreadyThere, Is.False);
            Assert.That(uploads[^1], Is.EqualTo($"upload {name}/manifest.json"));
            Assert.That(uploads,
                Is.SupersetOf(new[] { $"upload {name}/postgres.dump", $"upload {name}/neo4j.dump", $"upload {name}/uploads.tar.gz" }));
            foreach (var upload in uploads)
            {
                var key = upload["upload ".Length..];
                Assert.That(_calls.IndexOf("download " + key), Is.EqualTo(_calls.IndexOf(upload) + 1), $"{key} is read back before the " +
                    $"next upload");
            }
        });

        var again = await remote.PushAsync(name, CancellationToken.None);
        Assert.That(again.AlreadyThere, Is.True);

        Assert.That(PushRecord.Read(backup.Directory)?.Location, Is.EqualTo(pushed.Location), "the push is recorded beside the backup");
        // The record of the push is this machine's, like a drill's: it stays here and is not sent.
        var original = Directory.GetFiles(backup.Directory).Where(f => Path.GetFileName(f) != PushRecord.FileName)
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        Directory.Delete(backup.Directory, recursive: true);
        var pulled = await remote.PullAsync("latest", CancellationToken.None);

        Assert.That(pulled, Is.EqualTo(backup.Directory));
        Assert.That(Directory.GetFiles(pulled).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes), Is.EquivalentTo(original));
        Assert.That(Harness.AllDirectories(), Is.EqualTo(new[] { name }), "nothing unfinished is left");
    }

    [TestCase(2, 3)]
    [TestCase(0, 1)]
    public async Task A_transfer_that_keeps_failing_is_retried_then_the_push_fails_with_no_manifest_off_site_and_what_went_up_removed(
        int retries, int attempts)
    {
        var backup = await Harness.RunBackupAsync();
        var name = Path.GetFileName(backup.Directory);
        var local = Directory.GetFiles(backup.Directory).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        _store.Setup(s => s.UploadAsync($"{name}/neo4j.dump", It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns<string, string, CancellationToken>((key, _, _) =>
            {
                _calls.Add("upload " + key);
                throw new HttpRequestException("Connection reset by peer");
            });

        var failure = Assert.ThrowsAsync<OperationFailedException>(() => Remote(retries).PushAsync("latest", CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Message, Does.Contain(attempts > 1 ? $"after {attempts} attempts" : "failed: Connection reset by " +
                "peer").And.Contain("No complete copy was left off-site").And.Contain("local backup is untouched"));
            Assert.That(_calls.Count(c => c == $"upload {name}/neo4j.dump"), Is.EqualTo(attempts), "Remote:Retries=0 is one attempt and " +
                "no retry");
            Assert.That(_calls, Has.None.EqualTo($"upload {name}/manifest.json"));
            Assert.That(_objects.Keys, Is.Empty, "what went up before the failure is removed");
            Assert.That(Directory.GetFiles(backup.Directory).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes),
                Is.EquivalentTo(local));
        });
    }

    [Test]
    public async Task A_damaged_object_is_refused_on_pull_with_exit_4_and_nothing_is_kept()
    {
        var backup = await Harness.RunBackupAsync();
        var name = Path.GetFileName(backup.Directory);
        var remote = Remote();
        await remote.PushAsync("latest", CancellationToken.None);
        Directory.Delete(backup.Directory, recursive: true);
        _objects[$"{name}/postgres.dump"][^1] ^= 0x20;

        var failure = Assert.ThrowsAsync<IntegrityException>(() => remote.PullAsync(name, CancellationToken.None));

        Assert.That(failure!.Message, Does.Contain("postgres.dump").And.Contain("damaged"));
        Assert.That(Harness.AllDirectories(), Is.Empty);
    }

    [Test]
    public async Task Off_site_a_backup_without_its_manifest_is_incomplete_never_latest_and_refused_by_pull()
    {
        await Harness.RunBackupAsync();
        var remote = Remote();
        await remote.PushAsync("latest", CancellationToken.None);
        _objects["20991231_235959/postgres.dump"] = [1, 2, 3];

        var entries = await remote.ListAsync(CancellationToken.None);

        Assert.That(entries.Select(e => (e.Name, e.State)),
            Is.EqualTo(new[] { ("20991231_235959", BackupState.Incomplete), (entries[1].Name, BackupState.Complete) }));
        Assert.ThrowsAsync<IntegrityException>(() => remote.PullAsync("20991231_235959", CancellationToken.None));
        Assert.That(await remote.PullAsync("latest", CancellationToken.None), Does.EndWith(entries[1].Name));
    }

    [Test]
    public async Task Status_reads_the_off_site_points_from_the_listing_and_from_the_push_records_when_the_remote_does_not_answer()
    {
        var backup = await Harness.RunBackupAsync();
        var remote = Remote(retries: 0);
        await remote.PushAsync("latest", CancellationToken.None);
        var status = new StatusOperation(
            Harness.Get<BackupCatalog>(), Harness.Get<PitrPlanning>(), remote.Catalog, Harness.Get<IOptions<SummitDrOptions>>(),
            Harness.Time);

        var listed = (await status.RunAsync(CancellationToken.None)).OffSite!;
        _store.Setup(s => s.ListAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("Connection refused"));
        var recorded = (await status.RunAsync(CancellationToken.None)).OffSite!;

        var name = Path.GetFileName(backup.Directory);
        Assert.Multiple(() =>
        {
            Assert.That(listed.Listed, Is.True);
            Assert.That(listed.Points.Select(p => p.Source), Has.All.EqualTo("remote listing of fake://bucket/summit-dr/"));
            Assert.That(listed.Points.Select(p => p.At), Has.All.Not.Null);
            Assert.That(recorded.Listed, Is.False);
            Assert.That(recorded.Unreachable, Does.Contain("Connection refused"));
            Assert.That(recorded.Points.Select(p => p.Source), Has.All.StartWith($"push record of {name} (pushed.json"));
            Assert.That(recorded.Points.Select(p => p.At), Is.EqualTo(listed.Points.Select(p => p.At)));
        });
    }

    private CoreHarness Harness => _harness!;

    private RemoteUnderTest Remote(int retries = 4)
    {
        var stores = new RemoteStores(
            Options.Create(new SummitDrOptions { Remote = new RemoteOptions { Kind = "s3", Retries = retries, RetryDelaySeconds = 0.01 } }),
            TimeProvider.System,
            Harness.Get<ILogger<RemoteStores>>(),
            _ => _store.Object);
        var catalog = new RemoteCatalog(
            stores, Harness.Get<BackupCatalog>(), Harness.Get<OperationLock>(), Harness.Get<ILogger<RemoteCatalog>>());
        return new RemoteUnderTest(
            new PushOperation(
                stores, Harness.Get<BackupCatalog>(), Harness.Get<OperationLock>(), Harness.Get<ArtifactEncryption>(),
                Harness.Get<StepRunner>(), Harness.Time, Harness.Get<ILogger<PushOperation>>()),
            new PullOperation(
                stores, catalog, Harness.Get<BackupCatalog>(), Harness.Get<OperationLock>(), Harness.Get<BackupTrust>(),
                Harness.Get<StepRunner>(), Harness.Get<ILogger<PullOperation>>()),
            catalog);
    }

    /// <summary>Push, pull and list over one store, as the commands use them.</summary>
    private sealed record RemoteUnderTest(PushOperation Push, PullOperation Pull, RemoteCatalog Catalog)
    {
        public Task<PushResult> PushAsync(string backup, CancellationToken cancellationToken) => Push.PushAsync(backup, cancellationToken);

        public async Task<string> PullAsync(string backup, CancellationToken cancellationToken) =>
            (await Pull.PullAsync(backup, cancellationToken)).Directory;

        public Task<IReadOnlyList<BackupEntry>> ListAsync(CancellationToken cancellationToken) => Catalog.ListAsync(cancellationToken);
    }
}
