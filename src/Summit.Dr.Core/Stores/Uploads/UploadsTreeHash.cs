using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Summit.Dr.Stores.Uploads;

/// <summary>
/// One SHA-256 for a whole uploads tree, independent of how it is stored: the SHA-256 of the lines
/// `<file sha256>  <path below uploads/>`, sorted by path (as `sha256sum` prints them). A backup computes it
/// from the archive's contents while verifying it; a drill from the files it extracted. The list is kept as
/// a <see cref="PathTable{TValue}"/> and hashed a line at a time, so a tree of many files costs about a hundred
/// bytes a file, in a few large blocks.
/// </summary>
public sealed class UploadsTreeHash
{
    private readonly PathTable<Sha256Bytes> _files = new();

    public void Add(string relativePath, ReadOnlySpan<byte> sha256)
    {
        var value = default(Sha256Bytes);
        sha256.CopyTo(value);
        lock (_files)
        {
            _files.Add(relativePath.Replace('\\', '/'), value);
        }
    }

    public string Finish()
    {
        lock (_files)
        {
            _files.Sort();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var line = ArrayPool<char>.Shared.Rent(1024);
            var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(line.Length));
            try
            {
                for (var i = 0; i < _files.Count; i++)
                {
                    var path = _files.PathAt(i);
                    var length = 64 + 2 + path.Length + 1;
                    if (line.Length < length)
                    {
                        ArrayPool<char>.Shared.Return(line);
                        ArrayPool<byte>.Shared.Return(bytes);
                        line = ArrayPool<char>.Shared.Rent(length);
                        bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(line.Length));
                    }

                    var sha256 = _files.ValueAt(i);
                    Convert.TryToHexStringLower(sha256, line, out _);
                    line[64] = ' ';
                    line[65] = ' ';
                    path.CopyTo(line.AsSpan(66));
                    line[length - 1] = '\n';
                    hash.AppendData(bytes, 0, Encoding.UTF8.GetBytes(line, 0, length, bytes, 0));
                }
            }
            finally
            {
                ArrayPool<char>.Shared.Return(line);
                ArrayPool<byte>.Shared.Return(bytes);
            }

            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
    }

    /// <summary>The hash of a tree on disk, every regular file read once.</summary>
    public static async Task<string> OfDirectoryAsync(string root, CancellationToken cancellationToken)
    {
        var tree = new UploadsTreeHash();
        foreach (var file in Directory.EnumerateFiles(
            root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            await using var stream = new FileStream(
                file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
            tree.Add(Path.GetRelativePath(root, file), await SHA256.HashDataAsync(stream, cancellationToken));
        }

        return tree.Finish();
    }

    [InlineArray(32)]
    private struct Sha256Bytes
    {
        private byte _first;
    }
}
