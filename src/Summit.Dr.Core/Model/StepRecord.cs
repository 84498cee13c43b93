using System.Text.Json.Serialization;

namespace Summit.Dr.Model;

/// <summary>
/// One step of a run: when it started and finished (the manifest keeps these, so anyone can see what ran while
/// Neo4j was down), and, for the plan and the tests, where it sat and which commands it ran or would run.
/// </summary>
public sealed record StepRecord(string Name, DateTimeOffset StartedAt, DateTimeOffset FinishedAt)
{
    /// <summary>The step it ran inside, or null for a step of the operation itself.</summary>
    [JsonIgnore]
    public string? Parent { get; init; }

    /// <summary>0 for the operation's own steps; their steps are 1, and so on.</summary>
    [JsonIgnore]
    public int Depth { get; init; }

    /// <summary>Steps with the same group ran side by side (null: the step ran alone).</summary>
    [JsonIgnore]
    public int? Group { get; init; }

    /// <summary>The docker commands the step ran, in the order it started them; in a dry run, those it would run.</summary>
    [JsonIgnore]
    public IReadOnlyList<StepCommand> Commands { get; init; } = [];

    /// <summary>What the step does besides running commands (files it writes, what it checks), for the plan.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>It answers questions only, so a dry run runs it too.</summary>
    [JsonIgnore]
    public bool ReadOnly { get; init; }

    /// <summary>Not a step: a note of what the operation does in between (its name is the note).</summary>
    [JsonIgnore]
    public bool IsNote { get; init; }

    /// <summary>It only ran other steps.</summary>
    [JsonIgnore]
    public bool Composite { get; init; }

    /// <summary>False for a step a dry run only planned, and for one that failed.</summary>
    [JsonIgnore]
    public bool Succeeded { get; init; }

    [JsonIgnore]
    public long? Bytes { get; init; }

    [JsonIgnore]
    public string? Detail { get; init; }

    [JsonIgnore]
    public TimeSpan Duration => FinishedAt - StartedAt;
}
