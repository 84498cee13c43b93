using Summit.Dr.Model;
using Summit.Dr.Engine.Processes;


namespace Summit.Dr.Steps;

/// <summary>
/// The process seam as every operation sees it: each command is recorded against the step that started it.
/// In a dry run, where a step that changes something records its script instead of running it, only what
/// answers a question runs (the commands of a read-only step, and docker's own inspect, ps, version and info);
/// any other command is recorded without running.
/// </summary>
public sealed class RecordingProcessRunner(IProcessRunner inner) : IProcessRunner
{
    private static readonly HashSet<string> QuestionVerbs = new(StringComparer.Ordinal) { "inspect", "ps", "version", "info" };

    private readonly List<StepCommand> _before = [];

    public async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        var frame = StepFrame.Current;
        var run = frame is not { Log.DryRun: true } || (frame.Entry?.ReadOnly ?? false)
            || (spec.Arguments.Count > 0 && QuestionVerbs.Contains(spec.Arguments[0]));
        var command = new StepCommand(spec.Display, run);
        if (frame is null)
        {
            // Before the operation's steps begin (discovery, the recovery of a dead run): kept for its first step.
            lock (_before)
            {
                _before.Add(command);
            }
        }
        else
        {
            frame.Entry?.Add(command);
        }

        return run ? await inner.RunAsync(spec, cancellationToken) : NotRun;
    }

    /// <summary>What ran before the operation began its steps (the platform's discovery, the recovery of a dead run), once.</summary>
    internal IReadOnlyList<StepCommand> TakeBefore()
    {
        lock (_before)
        {
            var taken = _before.ToList();
            _before.Clear();
            return taken;
        }
    }

    private static ProcessResult NotRun => new(0, string.Empty, string.Empty, TimeSpan.Zero);
}
