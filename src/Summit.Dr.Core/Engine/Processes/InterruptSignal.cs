using System.Diagnostics;

namespace Summit.Dr.Engine.Processes;

/// <summary>
/// When the tool was interrupted (SIGINT, SIGTERM), as the host saw the signal. A terminal's Ctrl+C signals the whole
/// foreground process group, so a child that was running then ends too, before the run's token is cancelled and with any
/// exit code (the docker CLI's `exec` even exits 0): such an end is the interrupt, not the child's answer.
/// </summary>
public sealed class InterruptSignal
{
    private readonly TaskCompletionSource _marked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _at;

    /// <summary>How long a child that ended with the interrupt waits for the run's token to be cancelled.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    /// <summary>Called by the host's signal handler, before the host cancels the run.</summary>
    public void Mark()
    {
        Interlocked.CompareExchange(ref _at, Stopwatch.GetTimestamp(), 0);
        _marked.TrySetResult();
    }

    /// <summary>Whether the interrupt came while a child started at <paramref name="started"/> ran.</summary>
    public bool CameAfter(long started) => Interlocked.Read(ref _at) is var at && at != 0 && at >= started;

    /// <summary>
    /// After a child started at <paramref name="started"/> ended: whether the interrupt ended it. If the run is cancelled, or
    /// the interrupt came while the child ran and the run's cancellation follows within <see cref="Grace"/>, the child's end
    /// is the interrupt (thrown). Returns true when the interrupt came while the child ran but its run goes on: a step shielded
    /// from cancellation (a stop that must finish, a clean-up), whose child should be asked again to answer for itself.
    /// </summary>
    /// <param name="exitCode">A child that died of SIGINT or SIGTERM (130, 143) may be reaped before the host's handler marked
    /// the signal that killed it: the mark is waited for, up to <see cref="Grace"/>.</param>
    public async Task<bool> EndedChildAsync(long started, int exitCode, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (exitCode is 130 or 143 && !_marked.Task.IsCompleted)
        {
            await Task.WhenAny(_marked.Task, Task.Delay(Grace, CancellationToken.None));
        }

        if (!CameAfter(started))
        {
            return false;
        }

        if (cancellationToken.CanBeCanceled)
        {
            try
            {
                await Task.Delay(Grace, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw new OperationCanceledException("Interrupted", cancellationToken);
            }
        }

        return true;
    }
}
