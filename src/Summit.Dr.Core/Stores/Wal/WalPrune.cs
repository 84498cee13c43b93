using Summit.Dr.Model;


namespace Summit.Dr.Stores.Wal;

/// <summary>
/// What a prune removes from the WAL archive: for each server, the segments before the oldest base backup that
/// stays (no restore to a point in time can start earlier). Never a segment a kept base backup needs, never the
/// segment a branch is still writing, never a history file; a server with no base backup kept loses nothing.
/// </summary>
public static class WalPrune
{
    public static IReadOnlyList<WalFile> Removable(WalArchive archive, IEnumerable<PostgresBase> kept)
    {
        var oldest = kept.GroupBy(b => b.SystemIdentifier)
            .ToDictionary(g => g.Key, g => g.Min(b => WalFileName.SegmentOf(WalFileName.ParseLsn(b.StartLsn), b.SegmentSize)));
        var removable = new List<WalFile>();
        foreach (var branch in archive.Branches())
        {
            if (!oldest.TryGetValue(branch.SystemIdentifier, out var first))
            {
                continue;
            }

            var files = archive.Files(branch);
            var newest = files.Select(f => f.Name.Segment).DefaultIfEmpty().Max();
            removable.AddRange(files.Where(f => f.Name.Segment < first && !f.Name.Partial && f.Name.Segment != newest));
        }

        return removable;
    }
}
