using System.Runtime.ExceptionServices;
using Summit.Dr.Errors;
using Summit.Dr.Progress;

namespace Summit.Dr.Steps;

/// <summary>
/// Runs an operation as named steps, alone or side by side, and records each one: when it ran, what it ran,
/// how it ended. A dry run goes through the very same steps: those that only ask questions run for real, and
/// every other step hands the commands it declares to the recording process runner, which records them
/// without running them, instead of running its code. So the plan cannot drift from what runs.
/// </summary>
public sealed class StepRunner(IProgressReporter progress, RecordingProcessRunner recorder, TimeProvider time)
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
        StepFrame.Current = new StepFrame(log, null, null);
        return log;
    }

    /// <summary>Whether the operation that runs now is a dry run.</summary>
    public static bool DryRun => StepFrame.Current?.Log.DryRun ?? false;

    /// <summary>
    /// Records what the operation does here that is not a step (an answer it waits for, a decision): a dry
    /// run's plan shows it in its place; it takes no time of its own.
    /// </summary>
    public static void Note(string note)
    {
        var frame = StepFrame.Current ?? throw new InvalidOperationException("A note is made inside an operation: call StepRunner.Begin first.");
        var entry = frame.Log.Open("# " + note, frame.Entry, frame.Group, readOnly: true, composite: false, isNote: true);
        entry.Finish(entry.StartedAt, succeeded: true);
    }

    public async Task RunAsync(string name, Func<RunningStep, CancellationToken, Task> body, CancellationToken cancellationToken, Func<StepPlan>? plan = null, StepOptions? options = null) =>
        await RunAsync<bool>(name, async (step, token) =>
        {
            await body(step, token);
            return true;
        }, cancellationToken, plan, options);

    /// <summary>
    /// Runs one step. <paramref name="plan"/> is read when the step starts, so it can name what earlier steps
    /// found. In a dry run a step that is not read-only records its plan and returns <paramref name="dry"/>.
    /// </summary>
    public async Task<T> RunAsync<T>(
        string name, Func<RunningStep, CancellationToken, Task<T>> body, CancellationToken cancellationToken, Func<StepPlan>? plan = null, StepOptions? options = null, Func<T>? dry = null)
    {
        options ??= StepOptions.Default;
        var outer = StepFrame.Current ?? throw new InvalidOperationException($"Step '{name}' runs outside an operation: call StepRunner.Begin first.");
        if (outer.Entry is { Composite: false, ReadOnly: false } leaf)
        {
            // A dry run skips a step that runs commands, so a step inside one would be missing from the plan.
            throw new InvalidOperationException($"Step '{name}' starts inside step '{leaf.Name}', which runs commands: make '{leaf.Name}' composite or run '{name}' beside it.");
        }

        var log = outer.Log;
        var entry = log.Open(name, outer.Entry, outer.Group, options.ReadOnly || (outer.Entry?.ReadOnly ?? false), options.Composite, isNote: false);
        StepFrame.Current = outer with { Entry = entry };
        var declared = plan?.Invoke() ?? StepPlan.None;
        entry.AddNotes(declared.Notes);
        if (log.DryRun && !entry.ReadOnly && !entry.Composite)
        {
            foreach (var command in declared.Commands)
            {
                await recorder.PlanAsync(command, cancellationToken);
            }

            entry.Finish(time.GetUtcNow(), succeeded: false);
            return dry is null ? default! : dry();
        }

        using var line = progress.Start(name, options.TracksBytes ? () => entry.BytesSoFar?.Invoke() ?? 0 : null, options.ExpectedBytes);
        var succeeded = false;
        try
        {
            var result = await body(new RunningStep(entry), cancellationToken);
            succeeded = true;
            line.Complete(entry.Bytes, entry.Detail);
            return result;
        }
        finally
        {
            entry.Finish(time.GetUtcNow(), succeeded);
        }
    }

    /// <summary>A step where the run keeps a step log; the bare work where it does not (undo, the recovery of a dead run).</summary>
    public Task<T> StepOrBareAsync<T>(string name, Func<CancellationToken, Task<T>> body, CancellationToken cancellationToken, Func<StepPlan>? plan = null, StepOptions? options = null) =>
        StepFrame.Current is null ? body(cancellationToken) : RunAsync(name, (_, t) => body(t), cancellationToken, plan, options);

    /// <inheritdoc cref="StepOrBareAsync{T}"/>
    public Task StepOrBareAsync(string name, Func<CancellationToken, Task> body, CancellationToken cancellationToken, Func<StepPlan>? plan = null, StepOptions? options = null) =>
        StepFrame.Current is null ? body(cancellationToken) : RunAsync(name, (_, t) => body(t), cancellationToken, plan, options);

    /// <summary>
    /// Runs <paramref name="branches"/> side by side; the steps each one runs share a group, so the plan and
    /// the records show them as concurrent. The first failure cancels the others. The failure reported is the
    /// one that is not a consequence of another: an integrity failure first, then anything but a cancellation.
    /// </summary>
    public async Task ConcurrentlyAsync(CancellationToken cancellationToken, params Func<CancellationToken, Task>[] branches)
    {
        var outer = StepFrame.Current ?? throw new InvalidOperationException("Concurrent steps run inside an operation: call StepRunner.Begin first.");
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
