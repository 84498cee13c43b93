using Summit.Dr.Errors;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

/// <summary>A dry run's plan: its lines on stdout, or one JSON document.</summary>
internal static class PlanReport
{
    public static int Write(ToolConsole console, string command, IReadOnlyList<string> plan, bool json)
    {
        if (json)
        {
            console.WriteJson(new { schemaVersion = 1, command, dryRun = true, commands = plan });
        }
        else
        {
            foreach (var line in plan)
            {
                console.Out.WriteLine(line);
            }
        }

        return ExitCodes.Success;
    }
}
