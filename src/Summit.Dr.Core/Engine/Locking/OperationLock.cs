using System.Text.Json;
using Microsoft.Extensions.Logging;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Model;

namespace Summit.Dr.Engine.Locking;

/// <summary>
/// One backup, restore or prune at a time per backup root (invariant 8). The lock file records host, pid and
/// process start time, so a lock left by a dead process is recognised and taken over.
/// </summary>
public sealed class OperationLock
{
    public const string FileName = ".summit-dr.lock";
    private static readonly TimeSpan UnreadableGrace = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private readonly ILogger<OperationLock> _logger;

    public OperationLock(TimeProvider time, ILogger<OperationLock> logger)
    {
        _time = time;
        _logger = logger;
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
}
