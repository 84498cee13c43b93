using Summit.Dr.Errors;
using Summit.Dr.Model;


namespace Summit.Dr.Archive.Manifests;

/// <summary>
/// The only files a backup holds: each store's one artifact name, the manifest, its signature and the run's
/// log. A manifest is a store's or a stranger's word: one that names anything else (another file, an
/// absolute path, a `..`) is refused before any file is created, truncated or read by that name.
/// </summary>
public static class ArtifactNames
{
    /// <summary>Every artifact the manifest records, captured or not, must carry its store's name and a plausible size and
    /// checksum.</summary>
    public static void Require(BackupManifest manifest, string where)
    {
        var named = Enum.GetValues<BackupComponent>()
            .Select(c => (Artifact: manifest.Of(c).Artifact, Expected: BackupLayout.FileOf(c), What: c.ToString().ToLowerInvariant()))
            .Append((Artifact: manifest.Postgres.Base?.Artifact, Expected: BackupLayout.PostgresBaseFile, What: "postgres base backup"));
        foreach (var (artifact, expected, what) in named)
        {
            if (artifact is null)
            {
                continue;
            }

            if (!string.Equals(artifact.File, expected, StringComparison.Ordinal))
            {
                throw new IntegrityException(
                    $"manifest.json of {where} names '{artifact.File}' as its {what} artifact, where only {expected} is accepted: " +
                    "nothing was written or read by that name. The manifest was changed, or not written by summit-dr.");
            }

            if (artifact.Size < 0 || artifact.Sha256.Length != 64 || !artifact.Sha256.All(Uri.IsHexDigit))
            {
                throw new IntegrityException($"manifest.json of {where} records {expected} with a size or SHA-256 no artifact has: the " +
                    $"manifest was changed.");
            }
        }
    }

    /// <summary>
    /// A backup's own name, as it becomes a directory of the backup root: letters, digits, `_`, `-` and `.`,
    /// not starting with a dot (no path, no `..`, nothing hidden).
    /// </summary>
    public static bool IsSafeBackupName(string name) =>
        name.Length is > 0 and <= 128
        && name[0] != '.'
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
        && !name.Contains("..", StringComparison.Ordinal);
}
