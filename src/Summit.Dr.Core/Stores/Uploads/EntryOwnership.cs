using System.Formats.Tar;
using Summit.Dr.IO;

namespace Summit.Dr.Stores.Uploads;

/// <summary>
/// What a tar entry records besides its bytes, put back on an extracted tree as GNU tar run as root puts it
/// back: owner and group (by number, as containers know them), mode with its setuid, setgid and sticky bits,
/// and modification time. Directories are done last and deepest first, since adding a child changes a
/// directory's time. Kept in a path table, not as an object per entry, so a large tree stays off the small heap.
/// </summary>
internal sealed class EntryOwnership
{
    private readonly PathTable<Metadata> _entries = new();

    /// <summary>Entries whose owner could not be given back (not root), and the first of them.</summary>
    public (int Count, string? First) NotOwned { get; private set; }

    public void Record(string path, TarEntry entry) =>
        _entries.Add(
            path, new Metadata(
                entry is PosixTarEntry posix ? (uint)posix.Uid : 0, entry is PosixTarEntry p ? (uint)p.Gid
                    : 0, entry.Mode, entry.ModificationTime.UtcTicks, entry.EntryType == TarEntryType.Directory));

    /// <summary>Applies what was recorded: owners first (a chown clears setuid and setgid), then modes, then times.</summary>
    public void Apply()
    {
        _entries.Sort();
        var notOwned = 0;
        string? first = null;
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            var path = _entries.PathAt(i).ToString();
            var meta = _entries.ValueAt(i);
            if (!UnixOwners.TryChange(path, meta.Uid, meta.Gid))
            {
                notOwned++;
                first ??= path;
            }

            File.SetUnixFileMode(path, Data(meta.Mode, meta.Directory));
            var time = new DateTime(meta.ModifiedTicks, DateTimeKind.Utc);
            if (meta.Directory)
            {
                Directory.SetLastWriteTimeUtc(path, time);
            }
            else
            {
                File.SetLastWriteTimeUtc(path, time);
            }
        }

        NotOwned = (notOwned, first);
    }

    /// <summary>
    /// Uploads are data, not programs: no file gets setuid or setgid back, and no directory setuid. A directory keeps
    /// setgid, which there is no privilege but the rule that new files take the directory's group.
    /// </summary>
    internal static UnixFileMode Data(UnixFileMode mode, bool directory) =>
        mode & ~(directory ? UnixFileMode.SetUser : UnixFileMode.SetUser | UnixFileMode.SetGroup);

    private readonly record struct Metadata(uint Uid, uint Gid, UnixFileMode Mode, long ModifiedTicks, bool Directory);
}
