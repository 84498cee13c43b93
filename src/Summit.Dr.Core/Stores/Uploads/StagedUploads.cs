using Microsoft.Extensions.Logging;
using Summit.Dr.IO;

namespace Summit.Dr.Stores.Uploads;

/// <summary>An extracted uploads tree beside the live one, waiting to be swapped in by rename.</summary>
public sealed class StagedUploads : IDisposable
{
    private readonly string _target;
    private readonly string _staging;
    private readonly ILogger _logger;

    internal StagedUploads(string target, string staging, UploadsStats stats, ILogger logger)
    {
        _target = target;
        _staging = staging;
        Stats = stats;
        _logger = logger;
    }

    public UploadsStats Stats { get; }

    /// <summary>
    /// Renames the live tree to <paramref name="keepAt"/> (nothing is deleted or copied; kept aside it is made
    /// private), then the staged tree into its place; if the second rename fails, the live tree is put back.
    /// Returns the live tree's own mode, or null when there was no live tree to keep.
    /// </summary>
    public UnixFileMode? SwapIn(string keepAt)
    {
        var mode = Directory.Exists(_target) ? File.GetUnixFileMode(_target) : (UnixFileMode?)null;
        if (mode is not null)
        {
            Directory.Move(_target, keepAt);
            PrivateFiles.Restrict(keepAt);
        }

        var staged = Path.Combine(_staging, "uploads");
        var modified = Directory.GetLastWriteTimeUtc(staged);
        try
        {
            Directory.Move(staged, _target);
            // A directory moved to another parent may get a new time on some filesystems: it keeps the archived one.
            Directory.SetLastWriteTimeUtc(_target, modified);
        }
        catch
        {
            if (mode is { } old)
            {
                Directory.Move(keepAt, _target);
                File.SetUnixFileMode(_target, old);
            }

            throw;
        }

        TryDelete(_staging, _logger);
        return mode;
    }

    public void Dispose()
    {
        if (Directory.Exists(_staging))
        {
            TryDelete(_staging, _logger);
        }
    }

    internal static void TryDelete(string directory, ILogger logger)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException ex)
        {
            logger.LogWarning("Could not remove {Directory}: {Error}; delete it by hand", directory, ex.Message);
        }
    }
}
