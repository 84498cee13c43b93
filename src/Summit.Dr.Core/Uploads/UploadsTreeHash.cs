using System.Security.Cryptography;
using System.Text;

namespace Summit.Dr.Uploads;

/// <summary>
/// One SHA-256 for a whole uploads tree, independent of how it is stored: the SHA-256 of the lines
/// `<file sha256>  <path below uploads/>`, sorted by path (as `sha256sum` prints them). A backup computes it
/// from the archive's contents while verifying it; a drill from the files it extracted.
/// </summary>
public sealed class UploadsTreeHash
{
    private readonly SortedDictionary<string, string> _files = new(StringComparer.Ordinal);

    public void Add(string relativePath, string sha256)
    {
        lock (_files)
        {
            _files[relativePath.Replace('\\', '/')] = sha256;
        }
    }

    public string Finish()
    {
        lock (_files)
        {
            var lines = new StringBuilder();
            foreach (var (path, sha256) in _files)
            {
                lines.Append(sha256).Append("  ").Append(path).Append('\n');
            }

            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lines.ToString())));
        }
    }

    /// <summary>The hash of a tree on disk, every regular file read once.</summary>
    public static async Task<string> OfDirectoryAsync(string root, CancellationToken cancellationToken)
    {
        var tree = new UploadsTreeHash();
        foreach (var file in Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
            tree.Add(Path.GetRelativePath(root, file), Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken)));
        }

        return tree.Finish();
    }
}
