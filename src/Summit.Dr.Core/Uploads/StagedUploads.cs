using Microsoft.Extensions.Logging;

namespace Summit.Dr.Uploads;

/// <summary>An extracted uploads tree beside the live one, waiting to be swapped in by rename.</summary>
public sealed class StagedUploads : IDisposable
{
    private readonly string _target;
    private readonly string _staging;
    private readonly string _previous;
    private readonly ILogger _logger;

    internal StagedUploads(string target, string staging, string previous, UploadsStats stats, ILogger logger)
    {
        _target = target;
        _staging = staging;
        _previous = previous;
        Stats = stats;
        _logger = logger;
    }

    public UploadsStats Stats { get; }

    /// <summary>Renames the live tree aside, the staged one in, then removes the old one; puts the old one back if the second rename fails.</summary>
    public void SwapIn()
    {
        var hadPrevious = Directory.Exists(_target);
        if (hadPrevious)
        {
            Directory.Move(_target, _previous);
        }

        try
        {
            Directory.Move(Path.Combine(_staging, "uploads"), _target);
        }
        catch
        {
            if (hadPrevious)
            {
                Directory.Move(_previous, _target);
            }

            throw;
        }

        if (hadPrevious)
        {
            TryDelete(_previous, _logger);
        }
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
