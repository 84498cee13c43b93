namespace Summit.Dr.Steps;

/// <summary>What a step declares before it runs: the commands it will run, in order, and what else it does.</summary>
public sealed record StepPlan(IReadOnlyList<PlannedCommand> Commands, IReadOnlyList<string> Notes)
{
    public static readonly StepPlan None = new([], []);

    public static StepPlan Of(params PlannedCommand[] commands) => new(commands, []);

    public static StepPlan Note(string note) => new([], [note]);

    public StepPlan With(string note) => this with { Notes = [.. Notes, note] };

    public StepPlan Then(params PlannedCommand[] commands) => this with { Commands = [.. Commands, .. commands] };

    public StepPlan Then(StepPlan other) => new([.. Commands, .. other.Commands], [.. Notes, .. other.Notes]);
}
