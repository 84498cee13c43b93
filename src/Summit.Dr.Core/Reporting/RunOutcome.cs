using Summit.Dr.Errors;


namespace Summit.Dr.Reporting;

/// <summary>How one run of an operation ended, for the metrics and the webhook.</summary>
/// <param name="Operation">backup, restore, drill, push or prune.</param>
/// <param name="Error">The one-line message of a failed run.</param>
/// <param name="Locked">The run found another one holding the lock (a missed or overlapping schedule).</param>
public sealed record RunOutcome(
    string Operation, string Platform, int ExitCode, DateTimeOffset StartedAt, TimeSpan Duration, string? Error, bool Locked,
    RunFacts Facts)
{
    public bool Succeeded => ExitCode == ExitCodes.Success;

    /// <summary>One word for the exit code (<see cref="ExitCodes.Outcome"/>), and locked for a precondition that was the lock.</summary>
    public string Result => ExitCode == ExitCodes.Precondition && Locked ? "locked" : ExitCodes.Outcome(ExitCode);
}
