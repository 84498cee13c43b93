using Summit.Dr.Errors;
using Summit.Dr.Reporting;

namespace Summit.Dr.Tool.Hosting;

/// <summary>How a command ended and what it found worth reporting: returned by the command, never left in a shared object.</summary>
public sealed record CommandResult(int ExitCode, RunFacts Facts)
{
    public static CommandResult Done(RunFacts? facts = null) => new(ExitCodes.Success, facts ?? RunFacts.None);
}
