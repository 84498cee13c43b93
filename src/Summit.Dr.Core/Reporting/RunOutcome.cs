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
    /// <summary>The run did its work: exit 0, or `status` that measured an objective breached (exit 5: the alerts report that, a
    /// webhook "on failure" does not fire for it every time status runs).</summary>
    public bool Succeeded => ExitCode is ExitCodes.Success or ExitCodes.Breached;

    /// <summary>One word for the exit code (<see cref="ExitCodes.Outcome"/>), and locked for a precondition that was the lock.</summary>
    public string Result => ExitCode == ExitCodes.Precondition && Locked ? "locked" : ExitCodes.Outcome(ExitCode);
}
