using System.Globalization;

namespace Summit.Dr.Stores.Wal;

/// <summary>
/// PostgreSQL's WAL file names: a segment `TTTTTTTTXXXXXXXXYYYYYYYY` (timeline, then the segment number in two
/// halves), the one pg_receivewal is still writing with `.partial`, and a timeline's history `TTTTTTTT.history`.
/// </summary>
public readonly record struct WalFileName(uint Timeline, ulong Segment, bool Partial)
{
    public const string PartialSuffix = ".partial";
    public const string HistorySuffix = ".history";

    /// <summary>The segment's name in the given segment size (16 MiB unless initdb was told otherwise), without `.partial`.</summary>
    public string SegmentName(long segmentSize)
    {
        var perId = SegmentsPerId(segmentSize);
        return string.Create(CultureInfo.InvariantCulture, $"{Timeline:X8}{Segment / perId:X8}{Segment % perId:X8}");
    }

    /// <summary>The file's name as it lies in the archive.</summary>
    public string FileName(long segmentSize) => SegmentName(segmentSize) + (Partial ? PartialSuffix : string.Empty);

    /// <summary>The segment a WAL position falls in.</summary>
    public static ulong SegmentOf(ulong lsn, long segmentSize) => lsn / (ulong)segmentSize;

    /// <summary>A segment or `.partial` name, or null for anything else (a history file, a temporary file).</summary>
    public static WalFileName? Parse(string name, long segmentSize)
    {
        var partial = name.EndsWith(PartialSuffix, StringComparison.Ordinal);
        var stem = partial ? name[..^PartialSuffix.Length] : name;
        if (stem.Length != 24 || !stem.All(Uri.IsHexDigit) || stem.Any(char.IsLower))
        {
            return null;
        }

        var timeline = uint.Parse(stem[..8], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var high = ulong.Parse(stem[8..16], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var low = ulong.Parse(stem[16..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var perId = SegmentsPerId(segmentSize);
        return timeline == 0 || low >= perId ? null : new WalFileName(timeline, high * perId + low, partial);
    }

    /// <summary>The timeline a `TTTTTTTT.history` file describes, or null.</summary>
    public static uint? ParseHistory(string name) =>
        name.Length == 8 + HistorySuffix.Length && name.EndsWith(HistorySuffix, StringComparison.Ordinal) && name[..8].All(Uri.IsHexDigit)
            ? uint.Parse(name[..8], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : null;

    /// <summary>A WAL position as PostgreSQL writes it (`0/3000028`).</summary>
    public static string FormatLsn(ulong lsn) => string.Create(CultureInfo.InvariantCulture, $"{lsn >> 32:X}/{lsn & 0xFFFFFFFF:X}");

    /// <summary>A WAL position from PostgreSQL's `X/Y` form.</summary>
    public static ulong ParseLsn(string text)
    {
        var parts = text.Trim().Split('/');
        if (parts.Length != 2
            || !uint.TryParse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var high)
            || !uint.TryParse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var low))
        {
            throw new FormatException($"'{text}' is not a WAL position");
        }

        return ((ulong)high << 32) | low;
    }

    private static ulong SegmentsPerId(long segmentSize) => 0x100000000UL / (ulong)segmentSize;
}
