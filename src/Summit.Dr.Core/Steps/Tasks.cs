using Microsoft.Extensions.Logging;

namespace Summit.Dr.Steps;

/// <summary>Waiting for work whose failure is reported elsewhere.</summary>
public static class Tasks
{
    /// <summary>
    /// Waits until <paramref name="task"/> is over, whatever its outcome: its failure is reported by whoever
    /// started the clean-up that waits here, so here it is only logged at debug level.
    /// </summary>
    public static async Task QuietlyAsync(Task? task, ILogger logger, string what)
    {
        if (task is null)
        {
            return;
        }

        try
        {
            await task;
        }
        catch (Exception ex)
        {
            logger.LogDebug("{What} ended with {Error} (reported where it caused the failure)", what, ex.Message);
        }
    }
}
