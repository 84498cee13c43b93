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
        using var staged = await StageAsync(archivePath, target, cancellationToken);
        staged.SwapIn();
        return staged.Stats;
    }

    /// <summary>
    /// Extracts the archive next to <paramref name="target"/>, touching nothing of it; <see cref="StagedUploads.SwapIn"/>
    /// then replaces it by rename. Disposing a staged tree that was not swapped in removes it.
    /// </summary>
    public async Task<StagedUploads> StageAsync(string archivePath, string target, CancellationToken cancellationToken)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(target))!;
        Directory.CreateDirectory(parent);
        var token = Guid.NewGuid().ToString("N")[..12];
        var staging = Path.Combine(parent, $".summit-dr-staging-{token}");
        try
        {
            Directory.CreateDirectory(staging);
            UploadsStats stats;
            await using (var archive = ArtifactFiles.OpenRead(archivePath))
            {
                stats = await UploadsArchive.ExtractAsync(archive, staging, cancellationToken);
            }

            Directory.CreateDirectory(Path.Combine(staging, "uploads"));
            return new StagedUploads(target, staging, Path.Combine(parent, $".summit-dr-previous-{token}"), stats, _logger);
        }
        catch
        {
            StagedUploads.TryDelete(staging, _logger);
            throw;
        }
    }
}
