using System.Formats.Tar;
using System.IO.Compression;

namespace Summit.Dr.Uploads;

/// <summary>
/// The uploads directory as tar + gzip with every entry rooted at `uploads/` (readable by GNU tar).
/// Files and directories are archived; symbolic links are reported and skipped, since restore refuses them.
/// </summary>
public static class UploadsArchive
{
    public const string RootEntry = "uploads/";

    public static async Task<UploadsStats> WriteAsync(string sourceDirectory, Stream destination, CancellationToken cancellationToken)
    {
        var files = 0;
        var bytes = 0L;
        var directories = 0;
        var skipped = new List<string>();
        await using (var gzip = new GZipStream(destination, CompressionLevel.Fastest, leaveOpen: true))
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            var pending = new Stack<(string Path, string Entry)>();
            pending.Push((sourceDirectory, RootEntry));
            while (pending.Count > 0)
            {
                var (directory, entry) = pending.Pop();
                await tar.WriteEntryAsync(directory, entry, cancellationToken);
                directories++;
                var children = new DirectoryInfo(directory).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = false })
                    .OrderBy(c => c.Name, StringComparer.Ordinal);
                var subdirectories = new List<(string, string)>();
                foreach (var child in children)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var childEntry = entry + child.Name;
                    if (child.LinkTarget is not null)
                    {
                        skipped.Add(childEntry + " (symbolic link)");
                    }
                    else if (child is DirectoryInfo)
                    {
                        subdirectories.Add((child.FullName, childEntry + "/"));
                    }
                    else if (child is FileInfo file)
                    {
                        await tar.WriteEntryAsync(file.FullName, childEntry, cancellationToken);
                        files++;
                        bytes += file.Length;
                    }
                }

                // Reversed onto the stack so directories are written in name order.
                for (var i = subdirectories.Count - 1; i >= 0; i--)
                {
                    pending.Push(subdirectories[i]);
                }
            }
        }

        return new UploadsStats(files, bytes, directories, skipped);
    }

    /// <summary>
    /// Reads the whole archive (every byte, through the gzip trailer's checksum) and counts what it holds.
    /// Throws <see cref="InvalidDataException"/> when the archive is truncated or corrupt.
    /// </summary>
    public static async Task<UploadsStats> ReadAsync(Stream archive, CancellationToken cancellationToken)
    {
        var files = 0;
        var bytes = 0L;
        var directories = 0;
        var other = new List<string>();
        await using var gzip = new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true);
        await using (var tar = new TarReader(gzip, leaveOpen: true))
        {
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        directories++;
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                        files++;
                        bytes += entry.Length;
                        if (entry.DataStream is { } data)
                        {
                            await data.CopyToAsync(Stream.Null, cancellationToken);
                        }

                        break;
                    default:
                        other.Add($"{entry.Name} ({entry.EntryType})");
                        break;
                }
            }
        }

        // The tar end marker comes before the gzip trailer; read on so its CRC and length are checked.
        await gzip.CopyToAsync(Stream.Null, cancellationToken);
        return new UploadsStats(files, bytes, directories, other);
    }
}
