using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Model;
using Summit.Dr.Steps;

namespace Summit.Dr.Engine.Locking;

/// <summary>
/// One backup, restore or prune at a time per backup root (invariant 8). The lock file records host, pid and
/// process start time, so a lock left by a dead process is recognised and taken over. What changes the live platform
/// also holds the platform's lock (<see cref="PlatformLock"/>), which runs from other backup roots meet.
/// </summary>
public sealed class OperationLock
{
    public const string FileName = ".summit-dr.lock";
    private static readonly TimeSpan UnreadableGrace = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(30);

    private readonly ILogger<OperationLock> _logger;
    private readonly PlatformLock _platform;
    private readonly DockerCli _docker;
    private readonly IOptions<SummitDrOptions> _options;
    private readonly StepRunner _steps;

    // A run takes its holds of the platform one inside the other (a restore, then its safety backup), never side by side.
    private int _platformHolds;

    public OperationLock(
        TimeProvider time, DockerCli docker, IOptions<SummitDrOptions> options, StepRunner steps, ILogger<OperationLock> logger)
    {
        _time = time;
        _logger = logger;
        _docker = docker;
        _options = options;
        _steps = steps;
        _platform = new PlatformLock(docker, options.Value, logger);
    }

    /// <summary>
    /// The platform's lock (<see cref="PlatformLock"/>), for a run that stops or changes what the platform serves; the steps
    /// that take and give it back are in the plan. A second hold by this run is the same hold.
    /// </summary>
    /// <param name="known">A container of the platform as the run found it (its image makes the lock), or null to look them up; a
    /// platform without containers has nothing to hold.</param>
    public async Task<IAsyncDisposable> HoldPlatformAsync(
        ContainerInfo? known, string operation, BackupRoot root, CancellationToken cancellationToken)
    {
        if (_platformHolds == 0)
        {
            var container = known ?? await _steps.AskOrBareAsync("find the platform", async token =>
                await _docker.InspectAsync(_options.Value.Postgres.Container, token)
                    ?? await _docker.InspectAsync(_options.Value.Neo4j.Container, token), cancellationToken);
            if (container is null)
            {
                return new PlatformHold(null);
            }

            var args = _platform.CreateArgs(container, operation, root.Path);
            await _steps.StepOrBareAsync("lock the platform", () => _platform.Take(args), cancellationToken);
        }

        _platformHolds++;
        return new PlatformHold(this);
    }

    private async Task ReleasePlatformAsync()
    {
        if (--_platformHolds > 0)
        {
            return;
        }

        // On its own deadline: a run that was interrupted still gives the platform back.
        using var release = new CancellationTokenSource(ReleaseTimeout);
        try
        {
            await _steps.StepOrBareAsync("unlock the platform", _platform.Release, release.Token);
        }
        catch (Exception ex) when (ex is SummitDrException or OperationCanceledException)
        {
            _logger.LogWarning("Could not remove the platform's lock {Name} ({Error}); the next run takes it over, or remove it " +
                "with `{Command}`", _platform.Name, ex.Message, _platform.RemoveByHand);
        }
    }

    public IDisposable Acquire(BackupRoot root, string operation)
    {
        try
        {
            return Take(root.Path, operation);
        }
        catch (Exception ex) when (Unwritable(ex) is { } reason)
        {
            // The first thing any operation does in the root: refused here, nothing has been stopped or changed.
            throw new PreconditionException(
                $"The backup root {root} is not writable ({reason}): summit-dr cannot take its lock or write there, and nothing was " +
                    $"stopped. " +
                "Make it writable for this user, or point Backup:Root (or --output) at a writable directory.", ex);
        }
    }

    /// <summary>EROFS and EACCES, as .NET reports them (the errno is the IOException's HResult on Unix).</summary>
    private static string? Unwritable(Exception exception) => exception switch
    {
        UnauthorizedAccessException => "permission denied",
        IOException { HResult: ReadOnlyFileSystem } => "read-only file system",
        IOException { HResult: PermissionDenied } => "permission denied",
        _ => null,
    };

    private const int PermissionDenied = 13;
    private const int ReadOnlyFileSystem = 30;

    private Held Take(string root, string operation)
    {
        PrivateFiles.CreateRoot(root, _logger);
        var path = Path.Combine(root, FileName);
        var record = new LockRecord(ProcessIdentity.Current(), operation, _time.GetUtcNow());
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                using (var stream = PrivateFiles.Create(path))
                {
                    JsonSerializer.Serialize(stream, record, JsonDefaults.Options);
                    stream.Flush(flushToDisk: true);
                }

                return new Held(path, record.Owner);
            }
            catch (IOException) when (File.Exists(path))
            {
                var holder = TryRead(path);
                if (holder is not null && holder.Owner.IsAlive())
                {
                    throw new LockedException(
                        $"Another summit-dr {holder.Operation} is running (pid {holder.Owner.Pid} on {holder.Owner.Host} since " +
                            $"{holder.AcquiredAt:u}). " +
                        "Wait for it to finish: the lock goes with it, and one its process left behind by dying is taken over by the " +
                        "next run.");
                }

                if (holder is null && _time.GetUtcNow() - File.GetLastWriteTimeUtc(path) < UnreadableGrace)
                {
                    // Another process may be between creating the file and writing it.
                    throw new LockedException($"Another summit-dr run is starting in {root}. Try again in a few seconds.");
                }

                _logger.LogWarning(
                    "Taking over a stale lock left by {Operation} (pid {Pid} on {Host}), which is no longer running",
                    holder?.Operation ?? "an unknown run", holder?.Owner.Pid, holder?.Owner.Host);
                File.Delete(path);
            }
        }

        // Three takeovers lost in a row: other runs are starting here right now.
        throw new LockedException($"Could not take the lock {path}: other summit-dr runs keep taking it. Try again once they finished.");
    }

    internal static LockRecord? TryRead(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<LockRecord>(File.ReadAllText(path), JsonDefaults.Options);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private sealed class Held(string path, ProcessIdentity owner) : IDisposable
    {
        private bool _released;

        public void Dispose()
        {
            if (_released)
            {
                return;
            }

            _released = true;
            // Only remove the lock if it is still ours; a user may have broken it and another run taken it.
            if (TryRead(path)?.Owner == owner)
            {
                File.Delete(path);
            }
        }
    }

    private sealed class PlatformHold(OperationLock? owner) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (owner is not null && Interlocked.Exchange(ref _released, 1) == 0)
            {
                await owner.ReleasePlatformAsync();
            }
        }
    }
}
