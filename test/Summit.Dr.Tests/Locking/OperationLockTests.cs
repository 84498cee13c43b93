using System.Text.Json;
using Summit.Dr.Errors;
using Summit.Dr.Engine.Locking;
using Summit.Dr.Model;
using Summit.Dr.Tests.Support;

namespace Summit.Dr.Tests.Locking;

[TestFixture]
[CancelAfter(30_000)]
public sealed class OperationLockTests : IDisposable
{
    private string _root = null!;
    private OperationLock _lock = null!;
    private CoreHarness? _harness;

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("summit-dr-lock-").FullName;
        _harness = new CoreHarness(withUploads: false);
        _lock = _harness.Get<OperationLock>();
    }

    [TearDown]
    public void TearDown()
    {
        Directory.Delete(_root, recursive: true);
        Dispose();
    }

    public void Dispose()
    {
        _harness?.Dispose();
        _harness = null;
    }

    [Test]
    public void A_second_operation_is_refused_while_the_first_holds_the_lock()
    {
        using var first = _lock.Acquire(new BackupRoot(_root), "backup");

        var error = Assert.Throws<LockedException>(() => _lock.Acquire(new BackupRoot(_root), "restore"));

        Assert.That(error!.Message, Does.Contain("Another summit-dr backup is running").And.Contain($"pid {Environment.ProcessId}")
            .And.Contain("taken over by the next run").And.Not.Contain("delete"), "the message says what the lock does");
        Assert.That(error.ExitCode, Is.EqualTo(3));
    }

    [Test]
    public void Releasing_the_lock_lets_the_next_operation_run()
    {
        _lock.Acquire(new BackupRoot(_root), "backup").Dispose();

        using var second = _lock.Acquire(new BackupRoot(_root), "prune");

        Assert.That(OperationLock.TryRead(Path.Combine(_root, OperationLock.FileName))!.Operation, Is.EqualTo("prune"));
    }

    [Test]
    public async Task A_lock_left_by_a_dead_process_is_taken_over()
    {
        var dead = await DeadProcessAsync();
        WriteLock(dead);

        using var held = _lock.Acquire(new BackupRoot(_root), "backup");

        Assert.That(OperationLock.TryRead(Path.Combine(_root, OperationLock.FileName))!.Owner.Pid, Is.EqualTo(Environment.ProcessId));
    }

    [Test]
    public void A_lock_whose_pid_was_reused_by_another_process_is_taken_over()
    {
        var self = ProcessIdentity.Current();
        WriteLock(self with { ProcessStartedAt = self.ProcessStartedAt.AddHours(-3) });

        using var held = _lock.Acquire(new BackupRoot(_root), "backup");

        Assert.That(OperationLock.TryRead(Path.Combine(_root, OperationLock.FileName))!.Owner, Is.EqualTo(ProcessIdentity.Current()));
    }

    [Test]
    public void A_lock_held_from_another_host_is_respected()
    {
        WriteLock(new ProcessIdentity("another-host", 1, DateTimeOffset.UtcNow));

        Assert.Throws<LockedException>(() => _lock.Acquire(new BackupRoot(_root), "backup"));
    }

    private void WriteLock(ProcessIdentity owner) =>
        File.WriteAllText(Path.Combine(_root, OperationLock.FileName),
            JsonSerializer.Serialize(new LockRecord(owner, "backup", DateTimeOffset.UtcNow.AddMinutes(-5)), JsonDefaults.Options));

    /// <summary>A process of this host that is not alive: Linux never hands out a pid this large (pid_max is at most 2^22).</summary>
    private static Task<ProcessIdentity> DeadProcessAsync() =>
        Task.FromResult(new ProcessIdentity(Environment.MachineName, int.MaxValue - 1, DateTimeOffset.UtcNow.AddMinutes(-5)));
}
