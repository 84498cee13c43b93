using System.Text;
using CliWrap;
using Summit.Dr.Errors;

namespace Summit.Dr.Engine.Processes;

/// <summary>
/// Runs processes with CliWrap: argument arrays, streamed output. Each child runs in a session of its own (`setsid`), so a
/// terminal's Ctrl+C reaches the tool alone and the tool decides what a child's end means: a cancelled run interrupts its
/// child (SIGINT, as a terminal would; SIGKILL if it is still there after a grace, 3 s unless a test sets it) and ends as cancelled;
/// a step shielded from cancellation (a clean stop, a start, a clean-up) lets its child answer for itself, whatever the
/// terminal did. A child the Ctrl+C met in the instant before it left the group died of it (<see cref="InterruptSignal"/>):
/// that is the interrupt, or for a shielded step a question asked again. Without `setsid` (not Linux) the child shares
/// the tool's process group.
/// </summary>
public sealed class CliWrapProcessRunner : IProcessRunner
{
    private static readonly Lazy<string?> Setsid = new(() => Executable.Find("setsid"));
    private readonly InterruptSignal _interrupt;
    private readonly TimeSpan _forceAfter;

    public CliWrapProcessRunner(InterruptSignal interrupt)
        : this(interrupt, TimeSpan.FromSeconds(3))
    {
    }

    public CliWrapProcessRunner(InterruptSignal interrupt, TimeSpan forceAfter) => (_interrupt, _forceAfter) = (interrupt, forceAfter);

    public async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        var program = Executable.Find(spec.FileName) ?? throw new PreconditionException(
            $"Cannot start '{spec.FileName}': {Executable.WhyNot(spec.FileName)}. Install it or pass its path with --docker.");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var command = (Setsid.Value is { } setsid
                ? Cli.Wrap(setsid).WithArguments([program, .. spec.Arguments])
                : Cli.Wrap(program).WithArguments(spec.Arguments))
            .WithEnvironmentVariables(spec.Environment.ToDictionary(p => p.Key, p => (string?)p.Value))
            .WithValidation(CommandResultValidation.None)
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .WithStandardOutputPipe(spec.StandardOutput is { } output
                ? PipeTarget.ToStream(output)
                : PipeTarget.ToStringBuilder(stdout));
        if (spec.StandardInput is { } input)
        {
            command = command.WithStandardInputPipe(PipeSource.FromStream(input));
        }

        using var force = new CancellationTokenSource();
        await using var escalate = cancellationToken.Register(() => force.CancelAfter(_forceAfter));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var result = await command.ExecuteAsync(force.Token, cancellationToken);
            if (result.ExitCode is 130 or 143 && await _interrupt.KilledChildAsync(started, cancellationToken)
                && spec.StandardInput is null && spec.StandardOutput is null)
            {
                return await RunAsync(spec, cancellationToken);
            }

            return new ProcessResult(result.ExitCode, stdout.ToString(), stderr.ToString(), result.RunTime);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("Interrupted", cancellationToken);
        }
    }
}
