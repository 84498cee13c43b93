namespace Summit.Dr.Stores.Uploads;

/// <summary>
/// Paths (or names) with a small value each, held so that a tree of millions of files costs a few large
/// blocks instead of millions of small objects: the characters go into shared blocks and the entries into one
/// array, and both move to the large-object heap as they grow. The small-object heap, which the tool caps
/// (docs/performance.md, Memory), holds only what one file needs at a time. Sorted as <see cref="StringComparer.Ordinal"/>
/// sorts strings; a path added twice keeps its last value.
/// </summary>
internal sealed class PathTable<TValue>
    where TValue : struct
{
    private const int FirstBlock = 4 * 1024;
    private const int LargestBlock = 1024 * 1024;

    private readonly List<char[]> _blocks = [];
    private Entry[] _entries = new Entry[64];
    private int _used;
    private bool _sorted = true;

    public int Count { get; private set; }

    public void Add(ReadOnlySpan<char> path, TValue value)
    {
        if (_blocks.Count == 0 || _blocks[^1].Length - _used < path.Length)
        {
            var next = _blocks.Count == 0 ? FirstBlock : Math.Min(LargestBlock, _blocks[^1].Length * 2);
            _blocks.Add(new char[Math.Max(next, path.Length)]);
            _used = 0;
        }

        path.CopyTo(_blocks[^1].AsSpan(_used));
        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, Count * 2);
        }

        var entry = new Entry(_blocks.Count - 1, _used, path.Length, value);
        _sorted = _sorted && (Count == 0 || Compare(_entries[Count - 1], entry) < 0);
        _entries[Count++] = entry;
        _used += path.Length;
    }

    /// <summary>Sorts the paths ordinally and drops all but the last value of a path added more than once.</summary>
    public void Sort()
    {
        if (_sorted)
        {
            return;
        }

        // Ties go by the order of adding (blocks and offsets only grow), so the last value of a path is last.
        Array.Sort(_entries, 0, Count,
            Comparer<Entry>.Create(
                (a, b) => Compare(a, b) is var order && order != 0 ? order : (a.Block, a.Offset).CompareTo((b.Block, b.Offset))));
        var kept = 0;
        for (var i = 0; i < Count; i++)
        {
            if (i + 1 < Count && Compare(_entries[i], _entries[i + 1]) == 0)
            {
                continue;
            }

            _entries[kept++] = _entries[i];
        }

        Count = kept;
        _sorted = true;
    }

    public ReadOnlySpan<char> PathAt(int index) => Path(_entries[index]);

    public TValue ValueAt(int index) => _entries[index].Value;

    private ReadOnlySpan<char> Path(Entry entry) => _blocks[entry.Block].AsSpan(entry.Offset, entry.Length);

    private int Compare(Entry a, Entry b) => Path(a).SequenceCompareTo(Path(b));

    private readonly record struct Entry(int Block, int Offset, int Length, TValue Value);
}
