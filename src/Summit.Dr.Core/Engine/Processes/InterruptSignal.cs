using System.Diagnostics;

namespace Summit.Dr.Engine.Processes;

/// <summary>
/// When the tool was interrupted (SIGINT, SIGTERM), as the host saw the signal. Children leave the tool's process group
/// (`setsid`) as they start, so a terminal's Ctrl+C does not reach them, except in the instant between their start and
/// that call: a child the signal meets there dies of it (exit 130 or 143) before the run is cancelled. Such an end is the
/// interrupt, not the child's answer.
/// </summary>
public sealed class InterruptSignal
{
    private readonly TaskCompletionSource _marked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _at;

    /// <summary>How long a child that died of a signal waits for the host to mark it, and then for the run's cancellation.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    /// <summary>Called by the host's signal handler, before the host cancels the run.</summary>
    public void Mark()
    {
        Interlocked.CompareExchange(ref _at, Stopwatch.GetTimestamp(), 0);
        _marked.TrySetResult();
    }

    /// <summary>
    /// After a child started at <paramref name="started"/> died of SIGINT or SIGTERM (exit 130 or 143): whether the tool's
    /// interrupt killed it. False when no interrupt came (the child's own answer). When it did and the run is cancelled (at
    /// once or within <see cref="Grace"/>), the interrupt is thrown; true when the run goes on (a step shielded from
    /// cancellation, whose child should be asked again).
    /// </summary>
    public async Task<bool> KilledChildAsync(long started, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_marked.Task.IsCompleted)
        {
            await Task.WhenAny(_marked.Task, Task.Delay(Grace, CancellationToken.None));
        }

        if (Interlocked.Read(ref _at) is var at && (at == 0 || at < started))
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
