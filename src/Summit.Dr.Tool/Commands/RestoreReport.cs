using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Restore;
using Summit.Dr.Tool.Terminal;


namespace Summit.Dr.Tool.Commands;

/// <summary>How a finished restore is shown; returns the exit code (1 when a post-restore check failed).</summary>
internal static class RestoreReport
{
    /// <param name="objective">The recovery time objective (Objectives:RtoMinutes) the run is measured against.</param>
    public static int Write(ToolConsole console, RestoreResult result, bool json, TimeSpan objective)
    {
        var exitCode = result.ChecksPassed ? ExitCodes.Success : ExitCodes.Failed;
        const string undo = "summit-dr undo";
        if (json)
        {
            console.WriteJson(new
            {
                schemaVersion = 1,
                command = "restore",
                status = result.ChecksPassed ? "succeeded" : "checks-failed",
                exitCode,
                backup = result.Backup,
                safetyBackup = result.SafetyBackup,
                undoCommand = undo,
                kept = KeptReport.Json(result.Kept),
                totalSeconds = Math.Round(result.Total.TotalSeconds, 3),
                recoveryTimeObjectiveSeconds = objective.TotalSeconds,
                steps = result.Steps,
                stores = result.Stores,
                checks = result.Checks,
                warnings = result.Warnings,
                trust = result.Trust,
                neo4jDowntimeSeconds = result.Neo4jDown?.Seconds,
                neo4jOffline = result.Neo4jDown?.Work,
            });
            return exitCode;
        }

        var error = console.Error;
        StepsReport.Write(error, result.Steps, result.Checks);

        var within = result.Total <= objective ? "within" : "OVER";
        foreach (var store in result.Stores.Where(s => s.State == StoreState.Restored))
        {
            error.WriteLine($"  {RestoreOutcomes.Name(store.Component)}: {store.Detail}");
        }

        if (result.Neo4jDown is { } down)
        {
            error.WriteLine($"  Neo4j was down {down.Seconds:0.0} s, for " +
                $"{(down.Work.Work == "rename" ? "the renames of a store loaded while it served" : "the load")} ({down.Work.Seconds:0.0} " +
                    $"s).");
        }

        error.WriteLine($"Restored {Path.GetFileName(result.Backup)} in {result.Total.TotalSeconds:0.0} s, {within} the recovery time " +
            $"objective of {Durations.Say(objective)}.");
        foreach (var warning in result.Warnings)
        {
            error.WriteLine($"warning: {warning}");
        }

        error.WriteLine($"The state this restore replaced is kept aside (restore {result.Kept.Id}): `{undo}` puts it back, `{undo} " +
            $"--discard` frees it.");
        if (result.SafetyBackup is not null)
        {
            error.WriteLine($"A safety backup of it was written too: {result.SafetyBackup}");
        }

        if (!result.ChecksPassed)
        {
            error.WriteLine("summit-dr: the restore finished but a post-restore check failed (see FAIL above); inspect the platform " +
                "before using it.");
        }

        return exitCode;
    }
}
