using Microsoft.Extensions.Logging;
using Summit.Dr.IO;

namespace Summit.Dr.Stores.Uploads;

/// <summary>
/// Replaces the uploads directory from an archive without ever emptying it first (invariant 5): extract
/// into a sibling directory on the same filesystem, then swap by rename, keeping the old tree aside by
/// another rename. Any failure before the swap leaves the original in place.
/// </summary>
public sealed class UploadsSwap
{
    private readonly ILogger<UploadsSwap> _logger;

    public UploadsSwap(ILogger<UploadsSwap> logger)
    {
        _logger = logger;
    }

    /// <summary>
    /// Extracts <paramref name="archive"/> next to <paramref name="target"/>, touching nothing of it, checking
    /// every entry before it is written; <see cref="StagedUploads.SwapIn"/> then puts it in place. Disposing a
    /// staged tree that was not swapped in removes it.
    /// </summary>
    /// <param name="trailer">The archive's gzip trailer, when <paramref name="archive"/> cannot seek to it (a hashing stream).</param>
    public async Task<StagedUploads> StageAsync(
        Stream archive, string target, CancellationToken cancellationToken, (uint Crc, uint Length)? trailer = null)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(target))!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".summit-dr-staging-{Guid.NewGuid().ToString("N")[..12]}");
        try
        {
            // Private until it is swapped in; the tree in it gets the owners, modes and times it was archived with.
            PrivateFiles.CreateDirectory(staging);
            var stats = await UploadsArchive.ExtractAsync(archive, staging, cancellationToken, trailer, restoreOwnership: true);
            Directory.CreateDirectory(Path.Combine(staging, "uploads"));
            if (stats.NotOwned is ( > 0, var first))
            {
                _logger.LogWarning(
                    "The uploads' owners were not given back ({Count} entries, {First} the first): only root may, so they belong to this " +
                        "user; their modes and times are restored. Run the restore as root to restore owners too",
                    stats.NotOwned.Count, first);
            }
            return new StagedUploads(target, staging, stats, _logger);
        }
        catch
        {
            StagedUploads.TryDelete(staging, _logger);
            throw;
        }
    }
}
