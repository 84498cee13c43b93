namespace Summit.Dr.Steps;

/// <summary>
/// Where the code that runs now sits: which operation's log, inside which step, in which side-by-side group.
/// It flows with async calls, so a command is recorded against the step whose code started it.
/// </summary>
internal sealed record StepFrame(StepLog Log, StepEntry? Entry, int? Group)
{
    private static readonly AsyncLocal<StepFrame?> Ambient = new();

    public static StepFrame? Current
    {
        get => Ambient.Value;
        set => Ambient.Value = value;
    }
}
