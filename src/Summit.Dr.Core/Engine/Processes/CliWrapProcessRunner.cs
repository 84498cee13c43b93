using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using CliWrap;
using Summit.Dr.Errors;

namespace Summit.Dr.Engine.Processes;

/// <summary>
/// Runs processes with CliWrap: argument arrays, streamed output, kill on cancellation. A child that ended because the
/// tool was interrupted (the same Ctrl+C reached it) ends the run as the interrupt, whatever it exited with.
/// </summary>
public sealed class CliWrapProcessRunner(InterruptSignal interrupt) : IProcessRunner
{
    public async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var command = Cli.Wrap(spec.FileName)
            .WithArguments(spec.Arguments)
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

        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await command.ExecuteAsync(cancellationToken);
            if (await interrupt.EndedChildAsync(started, result.ExitCode, cancellationToken)
                && spec.StandardInput is null && spec.StandardOutput is null)
            {
                // A shielded step's child (a clean stop the engine goes on with, a clean-up) ended with the interrupt: asked again,
                // after it, it answers for itself (`docker stop` waits for the stop the engine is finishing).
                return await RunAsync(spec, cancellationToken);
            }

            return new ProcessResult(result.ExitCode, stdout.ToString(), stderr.ToString(), Stopwatch.GetElapsedTime(started));
        }
        catch (Win32Exception ex)
        {
            // CliWrap's message is about itself; the innermost one says why (no such file, permission denied).
            var why = ex.InnerException?.Message ?? ex.Message;
            throw new PreconditionException(
                $"Cannot start '{spec.FileName}': {why.TrimEnd('.')}. Install it or pass its path with --docker.", ex);
        }
    }
}
