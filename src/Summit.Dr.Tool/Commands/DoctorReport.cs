using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Tool.Terminal;

namespace Summit.Dr.Tool.Commands;

/// <summary>What `doctor` says: each check, the effective configuration and what restores kept, as text or as one JSON document; its exit
/// code.</summary>
internal static class DoctorReport
{
    public static int Write(
        ToolConsole console, Operations.Doctor.DoctorReport report,
            IReadOnlyList<(KeptState State, (long? Postgres, long? Neo4j, long? Uploads) Sizes)> kept,
        bool json)
    {
        var exitCode = report.Ready ? ExitCodes.Success : ExitCodes.Precondition;
        if (json)
        {
            console.WriteJson(
                new { schemaVersion = 1, command = "doctor", ready = report.Ready, exitCode, checks = report.Checks,
                    configuration = report.Configuration, kept = kept.Select(k => KeptReport.Json(k.State, k.Sizes)) });
            return exitCode;
        }

        foreach (var check in report.Checks)
        {
            console.Out.WriteLine($"{(check.Passed ? "ok  " : "FAIL")} {check.Name}: {check.Detail}");
        }

        console.Out.WriteLine();
        console.Out.WriteLine("Effective configuration:");
        var width = report.Configuration.Max(e => e.Key.Length);
        foreach (var entry in report.Configuration)
        {
            console.Out.WriteLine($"  {entry.Key.PadRight(width)} {entry.Value ?? "-",-32} {entry.Source}");
        }

        KeptReport.Write(console.Out, kept);
        console.Error.WriteLine(report.Ready
            ? "Ready: a backup and a restore can run here."
            : $"summit-dr: not ready: {report.Checks.Count(c => !c.Passed)} check(s) failed; each FAIL line says what to do.");
        return exitCode;
    }
}
