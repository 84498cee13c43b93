using Summit.Dr.Errors;

namespace Summit.Dr.Engine.Processes;

/// <summary>The one seam over child processes.</summary>
public interface IProcessRunner
{
    /// <summary>
    /// Runs the process to its end. Never throws for a non-zero exit; throws
    /// <see cref="PreconditionException"/> when the program cannot be started and
    /// <see cref="OperationCanceledException"/> when cancelled (the child is killed).
    /// </summary>
    Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken);
}
