using Summit.Dr.Locking;

namespace Summit.Dr.Docker;

/// <summary>The containers one run stopped and has not yet started again.</summary>
public sealed record StopJournalRecord(ProcessIdentity Owner, DateTimeOffset StoppedAt, IReadOnlyList<string> Containers)
{
    /// <summary>The journal did not parse: what it said is lost.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Damaged { get; init; }
}
