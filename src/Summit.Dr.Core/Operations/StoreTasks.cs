using System.Runtime.ExceptionServices;
using Summit.Dr.Errors;

namespace Summit.Dr.Operations;

/// <summary>Per-store work run side by side, as restore and drill run it.</summary>
internal static class StoreTasks
{
    /// <summary>
    /// Waits for all. With <paramref name="failFast"/>, the first failure cancels it so the others stop.
    /// The failure reported is the one that is not a consequence of another: an integrity failure first,
    /// then anything but a cancellation.
    /// </summary>
    public static async Task WhenAllAsync(IReadOnlyList<Task> tasks, CancellationToken cancellationToken, CancellationTokenSource? failFast = null)
    {
        try
        {
            if (failFast is null)
            {
                await Task.WhenAll(tasks);
            }
            else
            {
                var pending = tasks.ToList();
                while (pending.Count > 0)
                {
                    var done = await Task.WhenAny(pending);
                    pending.Remove(done);
                    if (done.IsFaulted || done.IsCanceled)
                    {
                        await failFast.CancelAsync();
                    }
                }

                await Task.WhenAll(tasks);
            }
        }
        catch
        {
            var failures = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).ToList();
            var primary = failures.FirstOrDefault(f => f is IntegrityException)
                ?? failures.FirstOrDefault(f => f is not OperationCanceledException)
                ?? failures.FirstOrDefault();
            if (primary is null)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw;
            }

            ExceptionDispatchInfo.Capture(primary).Throw();
        }
    }
}
