using System.Runtime.ExceptionServices;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Model;

namespace Summit.Dr.Steps;

/// <summary>
/// Runs a <see cref="Script"/>: in a step (<see cref="StepRunner"/>, which in a dry run records it instead), or bare
/// where no step log is kept (putting a store back, undo, the recovery of a run that died). Its commands go through
/// the docker CLI, so each is recorded against the step that runs now, and a daemon that does not answer says so.
/// </summary>
public sealed class ScriptRunner(DockerCli docker, TimeProvider time)
{
    private readonly ScriptProcesses _runner = new(docker);

    /// <summary>Runs <paramref name="script"/> outside any step.</summary>
    public Task RunAsync(Script script, CancellationToken cancellationToken) =>
        RunAsync(script, RunningStep.Detached("script", time), cancellationToken);

    internal async Task RunAsync(Script script, RunningStep step, CancellationToken cancellationToken)
    {
        foreach (var action in script.Actions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await RunAsync(action, step, cancellationToken);
        }
    }

    /// <summary>The plan of <paramref name="script"/>, in the order it runs: commands as they would be typed, with their notes.</summary>
    internal static void Record(Script script, StepEntry entry) =>
        script.Walk((spec, note, repeats) => entry.Add(new StepCommand(spec.Display, Ran: false, note, repeats)), note =>
            entry.AddNotes([note]));

    private async Task RunAsync(ScriptAction action, RunningStep step, CancellationToken cancellationToken)
    {
        switch (action)
        {
            case RunCommand run:
                var context = new ScriptContext(step, _runner, cancellationToken);
                if (run.Through is null)
                {
                    await run.Judge(await _runner.RunAsync(run.Spec, cancellationToken), context);
                }
                else
                {
                    await run.Through(run.Spec, async spec =>
                    {
                        var result = await _runner.RunAsync(spec, cancellationToken);
                        await run.Judge(result, context);
                        return result;
                    }, context);
                }

                break;
            case PollCommand poll:
                await Poll.UntilAsync(time, poll.Interval, poll.Timeout, async token =>
                {
                    var result = await _runner.RunAsync(poll.Spec, token);
                    return (await poll.Answered(result, new ScriptContext(step, _runner, token)), true);
                }, poll.TimedOut, cancellationToken);
                break;
            case SayNote:
                break;
            case InProcessWork work:
                await work.Work(step, cancellationToken);
                break;
            case SideBySideScripts sides:
                var branches = sides.Branches.Select(b => RunAsync(b, step, cancellationToken)).ToList();
                try
                {
                    await Task.WhenAll(branches);
                }
                catch
                {
                    ExceptionDispatchInfo.Capture(
                        branches.First(b => b.IsFaulted || b.IsCanceled).Exception?.InnerException
                            ?? new OperationCanceledException(cancellationToken)).Throw();
                }

                break;
            case UninterruptedScript inner:
                cancellationToken.ThrowIfCancellationRequested();
                using (var whole = new CancellationTokenSource(inner.Deadline))
                {
                    await RunAsync(inner.Inner, step, whole.Token);
                }

                break;
            case ChoiceScript choice:
                await RunAsync(choice.Condition() ? choice.WhenTrue : choice.WhenFalse, step, cancellationToken);
                break;
            case ToleratingScript tolerating:
                try
                {
                    await RunAsync(tolerating.Inner, step, cancellationToken);
                }
                catch (Exception ex) when (tolerating.Handled(ex))
                {
                    // Said by the handler; the step goes on.
                }

                break;
            case MappedScript mapped:
                try
                {
                    await RunAsync(mapped.Inner, step, cancellationToken);
                }
                catch (Exception ex)
                {
                    var meant = mapped.Map(ex);
                    if (ReferenceEquals(meant, ex))
                    {
                        throw;
                    }

                    throw meant;
                }

                break;
            case GuardedScript guarded:
                await RunGuardedAsync(guarded, step, cancellationToken);
                break;
            default:
                throw new InvalidOperationException($"A script cannot hold a {action.GetType().Name}.");
        }
    }

    private async Task RunGuardedAsync(GuardedScript guarded, RunningStep step, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            await RunAsync(guarded.Body, step, cancellationToken);
        }
        catch (Exception ex)
        {
            failure = ex;
            try
            {
                await RunAsync(guarded.OnFailure, step, CancellationToken.None);
            }
            catch (Exception)
            {
                // The body's failure is the one to report; the clean-up says its own in the log.
            }
        }

        try
        {
            // What must happen whatever happened runs on its own terms: the run's token may be cancelled already.
            await RunAsync(guarded.Always, step, CancellationToken.None);
        }
        catch (Exception always) when (failure is not null && guarded.Join is not null)
        {
            throw guarded.Join(failure, always);
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }
}

/// <summary>The process seam a script's judges see: the docker CLI's, which turns a daemon that does not answer into a precondition
/// failure.</summary>
internal sealed class ScriptProcesses(DockerCli docker) : IProcessRunner
{
    public Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken) => docker.RunAsync(spec, cancellationToken);
}
