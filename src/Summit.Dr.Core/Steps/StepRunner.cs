using System.Runtime.ExceptionServices;
using Summit.Dr.Errors;
using Summit.Dr.Progress;

namespace Summit.Dr.Steps;

/// <summary>
/// Runs an operation as named steps, alone or side by side, and records each one: when it ran, what it ran,
/// how it ended. A step that changes something is a <see cref="Script"/>, run, or in a dry run recorded without
/// running: the plan and the run are the same value. A step that only asks questions runs in a dry run too; one
/// that only runs other steps runs its code, so the steps inside it are planned.
/// </summary>
public sealed class StepRunner(IProgressReporter progress, ScriptRunner scripts, RecordingProcessRunner recorder, TimeProvider time)
{
    /// <summary>
    /// Begins the step log of an operation, for the rest of the calling method and what it awaits; an
    /// operation run inside another one's step (a restore's safety backup) joins that log instead.
    /// </summary>
    public StepLog Begin(bool dryRun)
    {
        if (StepFrame.Current is { } enclosing)
        {
            return enclosing.Log;
        }

        var log = new StepLog(dryRun, time);
        Current = log;
        StepFrame.Current = new StepFrame(log, null, null);
        // What was asked (or, outside a dry run, done) before the operation began: the plan shows it, marked as run.
        if (recorder.TakeBefore() is { Count: > 0 } before)
        {
            var entry = log.Open("discover platform", null, null, readOnly: true, composite: false, isNote: false);
            foreach (var command in before)
            {
                entry.Add(command);
            }

            entry.Finish(time.GetUtcNow(), succeeded: true);
        }

        return log;
    }

    /// <summary>The step log of the operation this process runs (one per run), read once it ended: where an interrupt came.</summary>
    public StepLog? Current { get; private set; }

    /// <summary>Whether the operation that runs now is a dry run.</summary>
    public static bool DryRun => StepFrame.Current?.Log.DryRun ?? false;

    /// <summary>
    /// Records what the operation does here that is not a step (an answer it waits for, a decision): a dry
    /// run's plan shows it in its place; it takes no time of its own.
    /// </summary>
    public static void Note(string note)
    {
        var frame = StepFrame.Current ?? throw new InvalidOperationException("A note is made inside an operation: call StepRunner.Begin " +
            "first.");
        var entry = frame.Log.Open("# " + note, frame.Entry, frame.Group, readOnly: true, composite: false, isNote: true);
        entry.Finish(entry.StartedAt, succeeded: true);
    }

    /// <summary>
    /// Runs a step that changes something: its <paramref name="script"/>, built when the step starts (so it can name
    /// what earlier steps found), is run, or in a dry run recorded without running.
    /// </summary>
    public Task RunAsync(string name, Func<Script> script, CancellationToken cancellationToken) =>
        RunAsync(name, script, StepOptions.Default, cancellationToken);

    /// <inheritdoc cref="RunAsync(string, Func{Script}, CancellationToken)"/>
    public Task RunAsync(string name, Func<Script> script, StepOptions options, CancellationToken cancellationToken) =>
        StepAsync(name, options with { ReadOnly = false, Composite = false }, async (step, recordOnly, token) =>
        {
            var built = script();
            if (recordOnly)
            {
                ScriptRunner.Record(built, step.Entry);
            }
            else
            {
                await scripts.RunAsync(built, step, token);
            }

            return true;
        }, cancellationToken);

    /// <summary>
    /// Runs a step that changes something and yields a value: its script hands the value to the setter it is built
    /// with. A dry run, which runs no script, returns <paramref name="planned"/>.
    /// </summary>
    public async Task<T> RunAsync<T>(
        string name, Func<Action<T>, Script> script, T planned, StepOptions options, CancellationToken cancellationToken)
    {
        var (value, set) = (planned, false);
        await RunAsync(name, () => script(v => (value, set) = (v, true)), options, cancellationToken);
        return set || DryRun ? value : throw new InvalidOperationException($"Step '{name}' ended without its value.");
    }

    /// <inheritdoc cref="RunAsync{T}(string, Func{Action{T}, Script}, T, StepOptions, CancellationToken)"/>
    public Task<T> RunAsync<T>(string name, Func<Action<T>, Script> script, T planned, CancellationToken cancellationToken) =>
        RunAsync(name, script, planned, StepOptions.Default, cancellationToken);

    /// <summary>
    /// A step whose work is all in this process (a file hashed, an object sent to an off-site store): its script is that
    /// work, said in the plan by the step's name.
    /// </summary>
    public Task<T> InProcessAsync<T>(
        string name, Func<RunningStep, CancellationToken, Task<T>> body, StepOptions options, CancellationToken cancellationToken) =>
        RunAsync<T>(name, set =>
            Script.InProcess("in process: " + name, async (step, token) => set(await body(step, token))), planned: default!, options,
            cancellationToken);

    /// <inheritdoc cref="InProcessAsync{T}(string, Func{RunningStep, CancellationToken, Task{T}}, StepOptions, CancellationToken)"/>
    public Task InProcessAsync(
        string name, Func<RunningStep, CancellationToken, Task> body, StepOptions options, CancellationToken cancellationToken) =>
        RunAsync(name, () => Script.InProcess("in process: " + name, body), options, cancellationToken);

    /// <summary>A step that only asks questions (inspect, versions, sizes): a dry run runs it for real.</summary>
    public Task<T> AskAsync<T>(string name, Func<RunningStep, CancellationToken, Task<T>> body, CancellationToken cancellationToken) =>
        AskAsync(name, body, StepOptions.ReadOnlyStep, cancellationToken);

    /// <inheritdoc cref="AskAsync{T}(string, Func{RunningStep, CancellationToken, Task{T}}, CancellationToken)"/>
    public Task<T> AskAsync<T>(
        string name, Func<RunningStep, CancellationToken, Task<T>> body, StepOptions options, CancellationToken cancellationToken) =>
        StepAsync(name, options with { ReadOnly = true, Composite = false }, (step, _, token) => body(step, token), cancellationToken);

    /// <inheritdoc cref="AskAsync{T}(string, Func{RunningStep, CancellationToken, Task{T}}, CancellationToken)"/>
    public Task AskAsync(
        string name, Func<RunningStep, CancellationToken, Task> body, StepOptions options, CancellationToken cancellationToken) =>
        AskAsync(name, async (step, token) =>
        {
            await body(step, token);
            return true;
        }, options, cancellationToken);

    /// <summary>A step that runs other steps and nothing else: its code runs in a dry run too, so the steps inside it are
    /// planned.</summary>
    public Task<T> ComposeAsync<T>(string name, Func<RunningStep, CancellationToken, Task<T>> body, CancellationToken cancellationToken) =>
        StepAsync(name, new StepOptions { Composite = true }, (step, _, token) => body(step, token), cancellationToken);

    /// <inheritdoc cref="ComposeAsync{T}"/>
    public Task ComposeAsync(string name, Func<CancellationToken, Task> body, CancellationToken cancellationToken) =>
        ComposeAsync(name, async (_, token) =>
        {
            await body(token);
            return true;
        }, cancellationToken);

    /// <summary>A step where the run keeps a step log; the script alone where it does not (undo, the recovery of a dead run).</summary>
    public Task StepOrBareAsync(string name, Func<Script> script, CancellationToken cancellationToken) =>
        StepFrame.Current is null ? scripts.RunAsync(script(), RunningStep.Detached(name, time), cancellationToken)
            : RunAsync(name, script, cancellationToken);

    /// <summary>A question asked in a step where the run keeps a step log; bare where it does not.</summary>
    public Task<T> AskOrBareAsync<T>(string name, Func<CancellationToken, Task<T>> body, CancellationToken cancellationToken) =>
        StepFrame.Current is null ? body(cancellationToken) : AskAsync(name, (_, token) => body(token), cancellationToken);

    /// <summary>
    /// Runs one step. In a dry run a step that is neither read-only nor composite is told to record what it would
    /// run instead of running it.
    /// </summary>
    private async Task<T> StepAsync<T>(
        string name, StepOptions options, Func<RunningStep, bool, CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        var outer = StepFrame.Current ?? throw new InvalidOperationException($"Step '{name}' runs outside an operation: call " +
            $"StepRunner.Begin first.");
        if (outer.Entry is { Composite: false, ReadOnly: false } leaf)
        {
            // A dry run skips a step that runs commands, so a step inside one would be missing from the plan.
            throw new InvalidOperationException($"Step '{name}' starts inside step '{leaf.Name}', which runs commands: make " +
                $"'{leaf.Name}' composite or run '{name}' beside it.");
        }

        var log = outer.Log;
        var entry = log.Open(
            name, outer.Entry, outer.Group, options.ReadOnly || (outer.Entry?.ReadOnly ?? false), options.Composite, isNote: false);
        StepFrame.Current = outer with { Entry = entry };
        if (log.DryRun && !entry.ReadOnly && !entry.Composite)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var planned = await body(new RunningStep(entry), true, cancellationToken);
            entry.Finish(time.GetUtcNow(), succeeded: false);
            return planned;
        }

        using var line = progress.Start(name, options.TracksBytes ? () => BytesSoFar(entry) : null, options.ExpectedBytes);
        var succeeded = false;
        try
        {
            var result = await body(new RunningStep(entry), false, cancellationToken);
            succeeded = true;
            line.Complete(entry.Bytes, entry.Detail);
            return result;
        }
        catch (OperationCanceledException)
        {
            line.Cancelled();
            log.Cancelled(name);
            throw;
        }
        catch (Exception ex) when (ex is UsageException or PreconditionException or LockedException)
        {
            // Refused, not failed: the run's last line says why and what to do.
            line.Refused();
            throw;
        }
        finally
        {
            entry.Finish(time.GetUtcNow(), succeeded);
        }
    }

    /// <summary>How far a step has got, for a live view: a source gone meanwhile says what it said last; it never fails the run.</summary>
    private static long BytesSoFar(StepEntry entry)
    {
        try
        {
            return entry.LastBytes = entry.BytesSoFar?.Invoke() ?? 0;
        }
        catch (ObjectDisposedException)
        {
            return entry.LastBytes;
        }
    }

    /// <summary>
    /// Runs <paramref name="branches"/> side by side; the steps each one runs share a group, so the plan and
    /// the records show them as concurrent. The first failure cancels the others. The failure reported is the
    /// one that is not a consequence of another: an integrity failure first, then anything but a cancellation.
    /// </summary>
    public async Task ConcurrentlyAsync(IReadOnlyList<Func<CancellationToken, Task>> branches, CancellationToken cancellationToken)
    {
        var outer = StepFrame.Current ?? throw new InvalidOperationException("Concurrent steps run inside an operation: call " +
            "StepRunner.Begin first.");
        var group = outer.Log.NextGroup();
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        async Task Branch(Func<CancellationToken, Task> branch)
        {
            StepFrame.Current = outer with { Group = group };
            try
            {
                await branch(failFast.Token);
            }
            catch
            {
                await failFast.CancelAsync();
                throw;
            }
        }

        var tasks = branches.Select(Branch).ToList();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            ThrowPrimary(tasks, cancellationToken);
            throw;
        }
    }

    /// <summary>Rethrows the failure among <paramref name="tasks"/> that caused the others; returns when there is none.</summary>
    private static void ThrowPrimary(IReadOnlyList<Task> tasks, CancellationToken cancellationToken)
    {
        var failures = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).ToList();
        var primary = failures.FirstOrDefault(f => f is IntegrityException)
            ?? failures.FirstOrDefault(f => f is not OperationCanceledException)
            ?? failures.FirstOrDefault();
        if (primary is null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return;
        }

        ExceptionDispatchInfo.Capture(primary).Throw();
    }
}
