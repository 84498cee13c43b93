using Summit.Dr.Model;
using Summit.Dr.Errors;
using Summit.Dr.Operations.Drill;
using Summit.Dr.Tool.Terminal;

namespace Summit.Dr.Tool.Commands;

/// <summary>What `drill` says: its checks and its recovery time against the objective, as text or as one JSON document; its exit
/// code.</summary>
internal static class DrillReport
{
    /// <param name="objective">The recovery time objective (Objectives:RtoMinutes) the run is measured against.</param>
    /// <param name="cli">The docker CLI's name (`docker`, `podman`) the commands to run by hand start with.</param>
    public static int Write(ToolConsole console, DrillResult result, bool json, TimeSpan objective, string cli)
    {
        var exitCode = result.Proven ? ExitCodes.Success : ExitCodes.Integrity;
        var error = console.Error;
        if (result.Kept)
        {
            error.WriteLine($"Kept for inspection: containers {string.Join(", ", result.Containers)}; volumes " +
                $"{string.Join(", ", result.Volumes)}; directory {result.Directory}.");
            error.WriteLine($"Connect with `{cli} exec -it {(result.Containers.Count > 0 ? result.Containers[0] : "<container>")} " +
                $"psql ...` or `cypher-shell`; remove with `{cli} rm -f {string.Join(' ', result.Containers)}` and `{cli} volume " +
                $"rm {string.Join(' ', result.Volumes)}` and `rm -rf {result.Directory}`.");
        }

        if (json)
        {
            console.WriteJson(new
            {
                schemaVersion = 1,
                command = "drill",
                status = result.Proven ? "proven" : "mismatch",
                exitCode,
                backup = result.Backup,
                id = result.Id,
                factsRecorded = result.FactsRecorded,
                totalSeconds = Math.Round(result.Total.TotalSeconds, 3),
                recoveryTimeObjectiveSeconds = objective.TotalSeconds,
                steps = result.Steps,
                checks = result.Checks,
                images = result.Images,
                warnings = result.Warnings,
                trust = result.Trust,
                kept = result.Kept ? new { containers = result.Containers, volumes = result.Volumes, directory = result.Directory } : null,
            });
            return exitCode;
        }

        StepsReport.Write(error, result.Steps, result.Checks);
        foreach (var warning in result.Warnings)
        {
            error.WriteLine($"warning: {warning}");
        }

        var within = result.Total <= objective ? "within" : "OVER";
        error.WriteLine(result.Proven
            ? $"Drill of {Path.GetFileName(result.Backup)} proven: restored in {result.Total.TotalSeconds:0.0} s, {within} the " +
                $"recovery time objective of {Durations.Say(objective)}."
            : $"summit-dr: the drill of {Path.GetFileName(result.Backup)} does not match its manifest (see FAIL above): do not rely " +
                $"on this backup; restore another or take a new one.");
        return exitCode;
    }
}
