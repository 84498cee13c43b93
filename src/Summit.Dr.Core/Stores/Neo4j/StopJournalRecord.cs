using Summit.Dr.Model;


namespace Summit.Dr.Stores.Neo4j;

/// <summary>The containers one run stopped and has not yet started again, and the scratch directories it has not yet removed.</summary>
public sealed record StopJournalRecord(ProcessIdentity Owner, DateTimeOffset StoppedAt, IReadOnlyList<string> Containers)
{
    /// <summary>The journal did not parse: what it said is lost.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Damaged { get; init; }

    /// <summary>Scratch directories made in a container's volume (a snapshot, a staging store) and not yet removed.</summary>
    public IReadOnlyList<StopJournalScratch> Scratch { get; init; } = [];

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEmpty => Containers.Count == 0 && Scratch.Count == 0;
}

/// <summary>A scratch directory at <paramref name="Path"/> in the volume of <paramref name="Container"/>.</summary>
public sealed record StopJournalScratch(string Container, string Path);
