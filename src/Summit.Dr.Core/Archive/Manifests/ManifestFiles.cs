using System.Text.Json;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Model;

namespace Summit.Dr.Archive.Manifests;

/// <summary>
/// manifest.json on disk: written last and flushed; read through one handle that follows no link, at most
/// <see cref="BackupManifest.MaxBytes"/>, parsed from the very bytes a signature is checked on, and refused unless it
/// names only its stores' fixed files and the backup it sits in.
/// </summary>
public static class ManifestFiles
{
    public static async Task WriteAsync(string directory, BackupManifest manifest, CancellationToken cancellationToken)
    {
        var path = System.IO.Path.Combine(directory, BackupManifest.FileName);
        await using var stream = PrivateFiles.Create(path);
        await JsonSerializer.SerializeAsync(stream, manifest, JsonDefaults.Options, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Reads DIRECTORY/manifest.json. It does not parse: <see cref="JsonException"/>. It names a file other than
    /// a store's one artifact name or another backup, is too large to be a manifest, or is a link:
    /// <see cref="SummitDrException"/> (exit 4).
    /// </summary>
    public static Task<BackupManifest> ReadAsync(string directory, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read(directory));
    }

    /// <summary>DIRECTORY/manifest.json read at once (it is small), checked as <see cref="ReadAsync"/> checks it.</summary>
    public static BackupManifest Read(string directory) => Parse(ReadBytes(directory), System.IO.Path.GetFileName(directory.TrimEnd('/')));

    /// <summary>
    /// The bytes of DIRECTORY/manifest.json, read once through one handle that follows no link: the bytes a signature
    /// is checked on are the bytes that are then parsed.
    /// </summary>
    public static byte[] ReadBytes(string directory)
    {
        using var file = SafeFiles.OpenRead(BackupManifest.FileName, 1 << 16, directory);
        if (file.Length > BackupManifest.MaxBytes)
        {
            throw new IntegrityException($"{BackupManifest.FileName} in {System.IO.Path.GetFileName(directory.TrimEnd('/'))} is larger " +
                $"than any manifest summit-dr writes; it is not read.");
        }

        using var copy = new MemoryStream((int)file.Length);
        file.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// The manifest of the backup named <paramref name="where"/> (its directory, or its prefix off-site), from its
    /// bytes, checked as <see cref="ReadAsync"/> checks it: it must name that very backup.
    /// </summary>
    public static BackupManifest Parse(ReadOnlySpan<byte> json, string where) =>
        Parse(JsonSerializer.Deserialize<BackupManifest>(json, JsonDefaults.Options), where);

    private static BackupManifest Parse(BackupManifest? manifest, string where)
    {
        if (manifest is null)
        {
            throw new JsonException("manifest.json is empty");
        }

        ArtifactNames.Require(manifest, where);
        if (!string.Equals(manifest.Name, where, StringComparison.Ordinal))
        {
            throw new IntegrityException(
                $"manifest.json of {where} was written for the backup '{manifest.Name}': a backup is taken only under the name it was " +
                    $"made with, and this one was renamed or copied. " +
                $"Nothing was touched; give the directory its own name back ({manifest.Name}).");
        }

        return manifest;
    }
}
