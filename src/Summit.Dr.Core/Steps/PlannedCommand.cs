using Summit.Dr.Engine.Processes;


namespace Summit.Dr.Steps;

/// <summary>
/// A command a step declares before it runs, built by the same argument builders the step's code runs:
/// a dry run records these without running them. Values only the run can know (an exported snapshot's id)
/// appear as a &lt;placeholder&gt;.
/// </summary>
public sealed record PlannedCommand(ProcessSpec Spec)
{
    /// <summary>Where its input comes from or its output goes, or why it runs.</summary>
    public string? Note { get; init; }

    /// <summary>A poll: it runs until it answers.</summary>
    public bool Repeats { get; init; }

    public static implicit operator PlannedCommand(ProcessSpec spec) => new(spec);
}
