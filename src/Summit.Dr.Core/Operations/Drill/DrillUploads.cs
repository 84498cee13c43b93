using Summit.Dr.Archive;
using Summit.Dr.Archive.Encryption;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Stores.Uploads;


namespace Summit.Dr.Operations.Drill;

/// <summary>
/// A drill's uploads: extracted into the scratch directory from one read of the archive, whose size and SHA-256 are
/// checked on the same read; counted and hashed as the manifest recorded them.
/// </summary>
public sealed class DrillUploads(ArtifactEncryption encryption)
{
    public async Task<long> RunAsync(DrillScratch scratch, OpenedBackup opened, DrillChecks checks, CancellationToken cancellationToken)
    {
        var recorded = opened.Manifest?.Uploads;
        var artifact = ArtifactChecks.RequirePresent(opened, BackupComponent.Uploads);
        await using (var archive = encryption.OpenHashing(opened, BackupComponent.Uploads))
        {
            if (artifact is not null && archive.Length != artifact.Size)
            {
                throw new IntegrityException($"{BackupLayout.UploadsFile} is {archive.Length} bytes, but the manifest records " +
                    $"{artifact.Size}: the file was truncated or changed.");
            }

            await UploadsArchive.ExtractAsync(
                archive, scratch.Directory, cancellationToken, ArtifactEncryption.UploadsTrailer(opened, archive));
            ArtifactChecks.RequireChecksum(artifact, await archive.FinishAsync(cancellationToken));
        }

        var tree = Path.Combine(scratch.Directory, "uploads");
        Directory.CreateDirectory(tree);
        var (files, bytes) = UploadsTree.Measure(tree);
        var hash = await UploadsTreeHash.OfDirectoryAsync(tree, cancellationToken);
        checks.Add(recorded?.Files is { } count
            ? new("uploads files", files == count && bytes == recorded.Bytes, $"{files} files, {bytes} bytes extracted; the manifest " +
                $"records {count} files, {recorded.Bytes} bytes")
            : new("uploads files", true, $"{files} files, {bytes} bytes extracted"));
        if (recorded?.TreeSha256 is { } expected)
        {
            checks.Add("uploads tree hash", hash == expected, hash == expected
                ? "every extracted file matches the manifest's hash of the tree"
                : $"the extracted tree hashes to {hash}, the manifest records {expected}");
        }

        return bytes;
    }
}
