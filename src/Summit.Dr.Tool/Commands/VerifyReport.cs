using Summit.Dr.Errors;
using Summit.Dr.Operations.Verify;
using Summit.Dr.Tool.Terminal;

namespace Summit.Dr.Tool.Commands;

/// <summary>What `verify` says of the platform's health, as text or as one JSON document; its exit code.</summary>
internal static class VerifyReport
{
    public static int Write(ToolConsole console, HealthReport report, bool json)
    {
        var exitCode = report.Healthy ? ExitCodes.Success : ExitCodes.Failed;
        if (json)
        {
            console.WriteJson(new
            {
                schemaVersion = 1,
                command = "verify",
                healthy = report.Healthy,
                exitCode,
                checks = report.Checks,
                postgres = new { tableCount = report.Tables?.Count, tables = report.Tables },
                neo4j = new { nodeCount = report.NodeCount },
                uploads = new { files = report.UploadFiles, bytes = report.UploadBytes },
            });
            return exitCode;
        }

        foreach (var check in report.Checks)
        {
            console.Out.WriteLine($"{(check.Passed ? "ok  " : "FAIL")} {check.Name}: {check.Detail}");
        }

        if (!report.Healthy)
        {
            console.Error.WriteLine($"summit-dr: {report.Checks.Count(c => !c.Passed)} check(s) failed; each FAIL line says what to do.");
        }

        return exitCode;
    }
}
