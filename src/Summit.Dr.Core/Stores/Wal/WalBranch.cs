namespace Summit.Dr.Stores.Wal;

/// <summary>
/// One directory of the WAL archive: what pg_receivewal wrote for one server (its system identifier) from one
/// timeline on. A restore to a point in time starts a new timeline, and with it a new stream, so the stream the
/// archiver writes never holds segments ahead of the server (pg_receivewal would refuse to go on).
/// </summary>
/// <param name="SystemIdentifier">The cluster's identifier (pg_control_system()): WAL of another cluster never mixes in.</param>
/// <param name="Timeline">The timeline the server was on when this stream began.</param>
/// <param name="SegmentSize">The cluster's WAL segment size in bytes.</param>
/// <param name="Activations">Each time summit-dr started the archiver on this stream (UTC): the stream last activated before a time is the
/// one the platform ran on then.</param>
public sealed record WalBranch(
    string SystemIdentifier,
    uint Timeline,
    long SegmentSize,
    string Container,
    string Image,
    IReadOnlyList<DateTimeOffset> Activations)
{
    public const string MetadataFile = "branch.json";

    /// <summary>The directory name: `SYSTEMID-TIMELINE`.</summary>
    public string Name => NameFor(SystemIdentifier, Timeline);

    public static string NameFor(string systemIdentifier, uint timeline) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{systemIdentifier}-{timeline:X8}");
}
