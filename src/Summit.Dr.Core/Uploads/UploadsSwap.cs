using Microsoft.Extensions.Logging;

namespace Summit.Dr.Uploads;

/// <summary>
/// Replaces the uploads directory from an archive without ever emptying it first (invariant 5): extract
/// into a sibling directory on the same filesystem, then swap by rename; the old tree is removed only after
/// the swap. Any failure before the swap leaves the original in place.
/// </summary>
public sealed class UploadsSwap
{
    private readonly ILogger<UploadsSwap> _logger;

    public UploadsSwap(ILogger<UploadsSwap> logger)
    {
        _logger = logger;
    }

    public async Task<UploadsStats> ReplaceAsync(string archivePath, string target, CancellationToken cancellationToken)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(target))!;
        Directory.CreateDirectory(parent);
        var token = Guid.NewGuid().ToString("N")[..12];
        var staging = Path.Combine(parent, $".summit-dr-staging-{token}");
        var previous = Path.Combine(parent, $".summit-dr-previous-{token}");
        try
        {
            Directory.CreateDirectory(staging);
            UploadsStats stats;
            await using (var archive = ArtifactFiles.OpenRead(archivePath))
            {
                stats = await UploadsArchive.ExtractAsync(archive, staging, cancellationToken);
            }

            var extracted = Path.Combine(staging, "uploads");
            Directory.CreateDirectory(extracted);
            cancellationToken.ThrowIfCancellationRequested();

            var hadPrevious = Directory.Exists(target);
            if (hadPrevious)
            {
                Directory.Move(target, previous);
            }

            try
            {
                Directory.Move(extracted, target);
            }
            catch
            {
                if (hadPrevious)
                {
                    Directory.Move(previous, target);
                }

                throw;
            }

            if (hadPrevious)
            {
                Directory.Delete(previous, recursive: true);
            }

            return stats;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                TryDelete(staging);
            }
        }
    }

    private void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException ex)
        {
            _logger.LogWarning("Could not remove {Directory}: {Error}; delete it by hand", directory, ex.Message);
        }
    }
}
