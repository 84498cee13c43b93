using Summit.Dr.Archive;
using Summit.Dr.Archive.Encryption;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Stores.Uploads;

namespace Summit.Dr.Operations.Restore;

/// <summary>
/// A backup's uploads archive extracted beside a target, in one read that checks every entry before it is written and
/// the archive's size and SHA-256 (and, encrypted, its integrity): what a restore swaps in, and what `extract` hands over.
/// </summary>
public sealed class UploadsStaging(UploadsSwap uploads, ArtifactEncryption encryption)
{
    /// <param name="track">Given how far the read has got, for a live view.</param>
    public async Task<(StagedUploads Tree, long Archive)> StageAsync(
        OpenedBackup opened, string target, Action<Func<long>> track, CancellationToken cancellationToken)
    {
        var artifact = ArtifactChecks.RequirePresent(opened, BackupComponent.Uploads);
        await using var archive = encryption.OpenHashing(opened, BackupComponent.Uploads);
        if (artifact is not null && archive.Length != artifact.Size)
        {
            throw new IntegrityException($"{BackupLayout.UploadsFile} is {archive.Length} bytes, but the manifest records " +
                $"{artifact.Size}: the file was truncated or changed.");
        }

        var trailer = ArtifactEncryption.UploadsTrailer(opened, archive);
        track(() => archive.BytesRead);
        StagedUploads staged;
        try
        {
            staged = await uploads.StageAsync(archive, target, cancellationToken, trailer);
        }
        catch (IntegrityException) when (artifact is not null)
        {
            // A changed byte usually breaks the gzip stream before the end: the checksum names the cause better.
            ArtifactChecks.RequireChecksum(artifact, await archive.FinishAsync(cancellationToken));
            throw;
        }
        catch (Exception ex) when (DiskFull.Is(ex))
        {
            throw new DiskFullException(
                $"The disk is full: no space left on the device that holds " +
                    $"{Path.GetDirectoryName(Path.GetFullPath(target).TrimEnd('/'))} " +
                    $"while the uploads were extracted beside {target}. " +
                "Nothing live was touched and the partial extraction was removed. Free space there and try again.", ex);
        }

        try
        {
            ArtifactChecks.RequireChecksum(artifact, await archive.FinishAsync(cancellationToken));
        }
        catch
        {
            staged.Dispose();
            throw;
        }

        return (staged, archive.Length);
    }
}
