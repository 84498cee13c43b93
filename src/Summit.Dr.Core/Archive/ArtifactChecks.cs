using Summit.Dr.Errors;
using Summit.Dr.Model;


namespace Summit.Dr.Archive;

/// <summary>What every reader of a backup checks of an artifact: present, of its recorded size, of its recorded SHA-256.</summary>
public static class ArtifactChecks
{
    /// <summary>
    /// Before an artifact is read: it exists, is not empty, and has the size its manifest records. Returns the
    /// manifest's record of it, whose SHA-256 the read must then match (<see cref="RequireChecksum"/>), or null
    /// for a backup without a manifest.
    /// </summary>
    /// <summary>The PostgreSQL base backup the manifest records, present with its recorded size; none when it records none.</summary>
    public static IEnumerable<ArtifactRecord> RequireBasePresent(OpenedBackup backup)
    {
        if (backup.Manifest?.Postgres is not { Status: ComponentStatus.Captured, Base.Artifact: { } artifact })
        {
            yield break;
        }

        var path = Path.Combine(backup.Directory, artifact.File);
        var size = File.Exists(path) ? new FileInfo(path).Length : (long?)null;
        yield return size == artifact.Size ? artifact
            : throw new IntegrityException(size is null
                ? $"{artifact.File} is missing from {backup.Name}, though its manifest records it."
                : $"{artifact.File} is {size} bytes, but the manifest records {artifact.Size}: the file was truncated or changed.");
    }

    public static ArtifactRecord? RequirePresent(OpenedBackup backup, BackupComponent component)
    {
        var file = BackupLayout.FileOf(component);
        var path = Path.Combine(backup.Directory, file);
        var artifact = backup.Manifest is { } manifest ? Captured(manifest, component) : null;
        if (!File.Exists(path))
        {
            throw new IntegrityException(artifact is null
                ? $"{file} is missing from {backup.Name}."
                : $"{file} is missing from {backup.Name}, though its manifest records it.");
        }

        var size = new FileInfo(path).Length;
        if (artifact is not null && size != artifact.Size)
        {
            throw new IntegrityException($"{file} is {size} bytes, but the manifest records {artifact.Size}: the file was truncated or " +
                $"changed.");
        }

        return size == 0 ? throw new IntegrityException($"{file} in {backup.Name} is empty.") : artifact;
    }

    /// <summary>The SHA-256 of a full read must be the manifest's.</summary>
    public static void RequireChecksum(ArtifactRecord? artifact, string actual)
    {
        if (artifact is not null && !string.Equals(actual, artifact.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new IntegrityException($"{artifact.File} does not match its SHA-256 in the manifest (expected {artifact.Sha256}, found " +
                $"{actual}): the file or the manifest was changed.");
        }
    }

    internal static ArtifactRecord? Captured(BackupManifest manifest, BackupComponent component)
    {
        var (status, artifact) = manifest.Of(component);
        if (status != ComponentStatus.Captured)
        {
            return null;
        }

        return artifact is not null && artifact.File == BackupLayout.FileOf(component)
            ? artifact
            : throw new IntegrityException($"manifest.json records {component} as captured but names no {BackupLayout.FileOf(component)}.");
    }

}
