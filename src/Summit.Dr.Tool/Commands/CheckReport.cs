using Summit.Dr.Errors;
using Summit.Dr.Operations.Check;
using Summit.Dr.Tool.Terminal;

namespace Summit.Dr.Tool.Commands;

/// <summary>What `check` says of a backup, as text or as one JSON document; its exit code.</summary>
internal static class CheckReport
{
    public static int Write(ToolConsole console, CheckResult result, bool json)
    {
        var exitCode = result.Sound ? ExitCodes.Success : ExitCodes.Integrity;
        if (json)
        {
            console.WriteJson(
                new { schemaVersion = 1, command = "check", backup = result.Directory, sound = result.Sound, exitCode,
                    findings = result.Findings, trust = result.Trust });
            return exitCode;
        }

        foreach (var finding in result.Findings)
        {
            console.Out.WriteLine($"{(finding.Sound ? "ok " : "BAD")}  {finding.Subject}: {finding.Detail}");
        }

        var name = Path.GetFileName(result.Directory);
        console.Error.WriteLine(result.Sound
            ? $"{name} is sound."
            : $"summit-dr: {name} is NOT sound ({result.Findings.Count(f => !f.Sound)} problem(s) above); do not restore it.");
        return exitCode;
    }
}
