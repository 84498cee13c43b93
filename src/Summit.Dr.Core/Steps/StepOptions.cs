namespace Summit.Dr.Steps;

/// <summary>How a step runs and shows its progress.</summary>
public sealed record StepOptions
{
    public static readonly StepOptions Default = new();

    /// <summary>A step that only asks questions.</summary>
    public static readonly StepOptions ReadOnlyStep = new() { ReadOnly = true };

    /// <summary>It only asks questions (inspect, versions, sizes): a dry run runs it for real.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>
    /// It runs other steps and nothing else (no command, no file): its code runs in a dry run too, so the
    /// steps inside it are planned. A step that runs commands may not start steps of its own.
    /// </summary>
    public bool Composite { get; init; }

    /// <summary>It streams bytes, so a live view shows how far it has got (see <see cref="RunningStep.Track"/>).</summary>
    public bool TracksBytes { get; init; }

    /// <summary>Where its stream is expected to end, for a percentage and the time left.</summary>
    public long? ExpectedBytes { get; init; }
}
