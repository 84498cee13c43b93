using Microsoft.Extensions.Logging;
using Summit.Dr.Model;
using Summit.Dr.Operations.Kept;

namespace Summit.Dr.Operations.Restore;

/// <summary>How each store of a failed restore is put back, the same for all: from the kept state, which then forgets it.</summary>
internal static class RestoreRollback
{
    /// <param name="replaced">Whether the swap replaced the store (null: the kept state no longer holds it).</param>
    public static async Task<StoreOutcome?> PutBackAsync(
        SwapProgress state, BackupComponent component, bool? replaced, Func<Task> putBack, Func<KeptState, KeptState> forget,
            ILogger logger)
    {
        if (replaced is null)
        {
            return null;
        }

        if (replaced == false)
        {
            state.Update(forget);
            return null;
        }

        try
        {
            logger.LogWarning("Putting {Component} back as it was before the restore", RestoreOutcomes.Name(component));
            await putBack();
            state.Update(forget);
            return new StoreOutcome(component, StoreState.RolledBack, "put back from the state kept aside");
        }
        catch (Exception ex)
        {
            return new StoreOutcome(component, StoreState.RollbackFailed, ex.Message);
        }
    }
}
