using Microsoft.Extensions.Logging;

namespace Summit.Dr.Uploads;

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
    /// Renames the live tree to <paramref name="keepAt"/> (nothing is deleted or copied), then the staged tree
    /// into its place; if the second rename fails, the live tree is put back. Returns whether there was a
    /// live tree to keep.
    /// </summary>
    public bool SwapIn(string keepAt)
    {
        var hadTree = Directory.Exists(_target);
        if (hadTree)
        {
            Directory.Move(_target, keepAt);
        }

        try
        {
            Directory.Move(Path.Combine(_staging, "uploads"), _target);
        }
        catch
        {
            if (hadTree)
            {
                Directory.Move(keepAt, _target);
            }

            throw;
        }

        TryDelete(_staging, _logger);
        return hadTree;
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
