using System.Globalization;

namespace Summit.Dr.Stores.Wal;

/// <summary>
/// The timelines a target timeline descends through, each with the WAL position where it ended (its child's
/// switch point), from the target's history file (`TTTTTTTT.history`: `parent<TAB>switchpoint<TAB>reason`).
/// The target itself has no end.
/// </summary>
public sealed class TimelinePath
{
    private readonly List<(uint Timeline, ulong? End)> _steps;

    private TimelinePath(List<(uint Timeline, ulong? End)> steps) => _steps = steps;

    public uint Target => _steps[^1].Timeline;

    /// <summary>A timeline with no history: the first one, or one whose history is not in the archive.</summary>
    public static TimelinePath Alone(uint timeline) => new([(timeline, null)]);

    /// <summary>The path to <paramref name="target"/> from its history file's text.</summary>
    public static TimelinePath Parse(uint target, string history)
    {
        var steps = new List<(uint, ulong?)>();
        foreach (var line in history.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var fields = line.Split('\t', ' ').Where(f => f.Length > 0).ToArray();
            if (fields.Length < 2 || !uint.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var timeline))
            {
                throw new FormatException($"timeline history line '{line}' is not `timeline<TAB>switchpoint`");
            }

            steps.Add((timeline, WalFileName.ParseLsn(fields[1])));
        }

        steps.Add((target, null));
        return new TimelinePath(steps);
    }

    /// <summary>Whether a WAL position on <paramref name="timeline"/> lies on this path (before that timeline ended here).</summary>
    public bool Holds(uint timeline, ulong lsn) =>
        _steps.Any(s => s.Timeline == timeline && (s.End is null || lsn < s.End));

    /// <summary>
    /// The timeline whose file holds a segment on this path: the newest timeline that had begun by that segment
    /// (a switch point's segment is already the child's file, copied at the switch), as recovery reads them.
    /// </summary>
    public uint TimelineOf(ulong segment, long segmentSize)
    {
        var timeline = _steps[0].Timeline;
        for (var i = 1; i < _steps.Count; i++)
        {
            if (WalFileName.SegmentOf(_steps[i - 1].End!.Value, segmentSize) <= segment)
            {
                timeline = _steps[i].Timeline;
            }
        }

        return timeline;
    }
}
