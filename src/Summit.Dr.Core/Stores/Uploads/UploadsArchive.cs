using System.Formats.Tar;
using System.IO.Compression;
using Summit.Dr.Errors;
using Summit.Dr.Progress;

namespace Summit.Dr.Stores.Uploads;

/// <summary>
/// The uploads directory as tar + gzip with every entry rooted at `uploads/` (readable by GNU tar).
/// Files and directories are archived; symbolic links are reported and skipped, since restore refuses them.
/// </summary>
public static class UploadsArchive
{
    public const string RootEntry = "uploads/";

    /// <summary>The tree archived at the default level, counting nothing.</summary>
    public static Task<UploadsStats> WriteAsync(string sourceDirectory, Stream destination, CancellationToken cancellationToken) =>
        WriteAsync(sourceDirectory, destination, null, 1, cancellationToken);

    /// <summary>The length recorded for a directory among a directory's children.</summary>
    private const long IsDirectory = -1;

    /// <param name="processed">Counts the tar stream's bytes (file contents and headers) as they are compressed, for progress.</param>
    /// <param name="level">The gzip level (<see cref="UploadsCompression"/> chooses it); 1 when not given.</param>
    public static async Task<UploadsStats> WriteAsync(
        string sourceDirectory, Stream destination, ByteCounter? processed, int level, CancellationToken cancellationToken)
    {
        var files = 0;
        var bytes = 0L;
        var directories = 0;
        var skipped = new List<string>();
        await using (var gzip = new GZipStream(destination, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
        await using (
            var tar = new TarWriter(new CountingWriteStream(gzip, processed ?? new ByteCounter()), TarEntryFormat.Pax, leaveOpen: true))
        {
            var pending = new Stack<(string Path, string Entry)>();
            pending.Push((sourceDirectory, RootEntry));
            while (pending.Count > 0)
            {
                var (directory, entry) = pending.Pop();
                await tar.WriteEntryAsync(directory, entry, cancellationToken);
                directories++;
                // A directory's entries are listed into a table, not held as objects, so a flat directory of a
                // million files does not fill the small-object heap; each is looked at again when it is written.
                var children = new PathTable<long>();
                foreach (var child in new DirectoryInfo(directory).EnumerateFileSystemInfos(
                    "*", new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = false }))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (child.LinkTarget is not null)
                    {
                        skipped.Add(entry + child.Name + " (symbolic link)");
                    }
                    else
                    {
                        children.Add(child.Name, child is FileInfo file ? file.Length : IsDirectory);
                    }
                }

                children.Sort();
                var subdirectories = new List<(string, string)>();
                for (var i = 0; i < children.Count; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var name = children.PathAt(i).ToString();
                    var childEntry = entry + name;
                    if (children.ValueAt(i) == IsDirectory)
                    {
                        subdirectories.Add((Path.Combine(directory, name), childEntry + "/"));
                    }
                    else
                    {
                        await tar.WriteEntryAsync(Path.Combine(directory, name), childEntry, cancellationToken);
                        files++;
                        bytes += children.ValueAt(i);
                    }
                }

                // Reversed onto the stack so directories are written in name order.
                for (var i = subdirectories.Count - 1; i >= 0; i--)
                {
                    pending.Push(subdirectories[i]);
                }
            }
        }

        skipped.Sort(StringComparer.Ordinal);
        return new UploadsStats(files, bytes, directories, skipped);
    }

    /// <summary>
    /// Reads the whole archive (every byte, through the gzip trailer's checksum), refusing any entry that is
    /// not a regular file or directory under `uploads/`. Throws <see cref="IntegrityException"/> naming the
    /// first unsafe entry, or the damage.
    /// </summary>
    public static Task<UploadsStats> ReadAsync(
        Stream archive, CancellationToken cancellationToken, (uint Crc, uint Length)? trailer = null) =>
        WalkAsync(archive, destination: null, trailer, ownership: null, cancellationToken);

    /// <summary>
    /// Extracts into <paramref name="destination"/> (which gets an `uploads` directory), with the same checks
    /// as <see cref="ReadAsync"/> applied to each entry before anything of it is written.
    /// </summary>
    /// <param name="restoreOwnership">Give every entry its recorded owner, group, mode and time back, as GNU tar run as root does (what
    /// root alone may do is counted in <see cref="UploadsStats.NotOwned"/>).</param>
    public static Task<UploadsStats> ExtractAsync(
        Stream archive, string destination, CancellationToken cancellationToken, (uint Crc, uint Length)? trailer = null,
        bool restoreOwnership = false) =>
        WalkAsync(archive, destination, trailer, restoreOwnership ? new EntryOwnership() : null, cancellationToken);


    /// <summary>The CRC-32 and length (mod 2^32) in a single-member gzip's last 8 bytes, where the stream can seek.</summary>
    private static async Task<(uint Crc, uint Length)?> ReadTrailerAsync(Stream archive, CancellationToken cancellationToken)
    {
        if (!archive.CanSeek || archive.Length - archive.Position < 18)
        {
            return null;
        }

        var start = archive.Position;
        archive.Seek(-8, SeekOrigin.End);
        var trailer = new byte[8];
        await archive.ReadExactlyAsync(trailer, cancellationToken);
        archive.Position = start;
        return (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer.AsSpan(4)));
    }

    /// <summary>The entry's path below `uploads/`, or the reason it is refused.</summary>
    internal static (string? RelativePath, string? Problem) Check(TarEntry entry)
    {
        var name = entry.Name.Replace('\\', '/');
        if (name.StartsWith('/'))
        {
            return (null, "absolute path");
        }

        var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
        if (segments.Contains(".."))
        {
            return (null, "path with ..");
        }

        if (segments.Count == 0 || segments[0] != "uploads")
        {
            return (null, "outside uploads/");
        }

        return entry.EntryType switch
        {
            TarEntryType.Directory or TarEntryType.RegularFile or TarEntryType.V7RegularFile => (string.Join('/', segments.Skip(1)), null),
            TarEntryType.SymbolicLink or TarEntryType.HardLink => (null, $"link to {entry.LinkName}"),
            _ => (null, $"{entry.EntryType} entry"),
        };
    }

    private static async Task<UploadsStats> WalkAsync(
        Stream archive, string? destination, (uint Crc, uint Length)? knownTrailer, EntryOwnership? ownership,
        CancellationToken cancellationToken)
    {
        var files = 0;
        var bytes = 0L;
        var directories = 0;
        var tree = destination is null ? new UploadsTreeHash() : null;
        try
        {
            var trailer = knownTrailer ?? await ReadTrailerAsync(archive, cancellationToken);
            await using var gzip = new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true);
            await using var content = new Crc32ReadStream(gzip);
            await using (var tar = new TarReader(content, leaveOpen: true))
            {
                while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
                {
                    if (entry.EntryType == TarEntryType.GlobalExtendedAttributes)
                    {
                        continue;
                    }

                    var (relative, problem) = Check(entry);
                    if (problem is not null)
                    {
                        throw new IntegrityException($"uploads.tar.gz holds an unsafe entry '{entry.Name}' ({problem}); it was refused " +
                            $"and nothing was extracted from it.");
                    }

                    var target = destination is null ? null : Path.Combine(destination, "uploads", relative!).TrimEnd('/');
                    if (entry.EntryType == TarEntryType.Directory)
                    {
                        directories++;
                        if (target is not null)
                        {
                            Directory.CreateDirectory(target);
                            ownership?.Record(target, entry);
                        }

                        continue;
                    }

                    files++;
                    bytes += entry.Length;
                    if (target is not null)
                    {
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        await entry.ExtractToFileAsync(target, overwrite: false, cancellationToken);
                        ownership?.Record(target, entry);
                    }
                    else if (entry.DataStream is { } data)
                    {
                        tree?.Add(relative!, await System.Security.Cryptography.SHA256.HashDataAsync(data, cancellationToken));
                    }
                    else
                    {
                        tree?.Add(relative!, System.Security.Cryptography.SHA256.HashData(ReadOnlySpan<byte>.Empty));
                    }
                }
            }

            // The tar end marker comes before the gzip trailer: read on to the end of the stream. GZipStream
            // can end early on a damaged deflate block without an error, so the trailer is compared here too.
            await content.CopyToAsync(Stream.Null, cancellationToken);
            if (trailer is { } expected && (expected.Crc != content.Crc || expected.Length != (uint)content.Length32))
            {
                throw new InvalidDataException($"the gzip trailer records {expected.Length} bytes with CRC-32 {expected.Crc:x8}, but " +
                    $"{content.Length32} bytes with CRC-32 {content.Crc:x8} were read");
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new IntegrityException($"uploads.tar.gz is damaged: {ex.Message}", ex);
        }

        ownership?.Apply();
        return new UploadsStats(files, bytes, directories, [], tree?.Finish()) { NotOwned = ownership?.NotOwned ?? (0, null) };
    }
}
