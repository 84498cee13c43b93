using Summit.Dr.Errors;
using Summit.Dr.Operations.Undo;
using Summit.Dr.Tool.Terminal;

namespace Summit.Dr.Tool.Commands;

/// <summary>What `undo` says it put back or freed, as text or as one JSON document.</summary>
internal static class UndoReport
{
    public static void Write(ToolConsole console, UndoResult result, bool json)
    {
        if (json)
        {
            console.WriteJson(
                new { schemaVersion = 1, command = "undo", status = "succeeded", exitCode = ExitCodes.Success,
                    discarded = result.Discarded, seconds = Math.Round(result.Duration.TotalSeconds, 3),
                    kept = KeptReport.Json(result.State) });
            return;
        }

        console.Error.WriteLine(result.Discarded
            ? $"Freed the state kept by the restore of {result.State.Id} in {result.Duration.TotalSeconds:0.0} s; that restore can " +
                $"no longer be undone."
            : $"Put back the state from before the restore of {result.State.Id} in {result.Duration.TotalSeconds:0.0} s.");
    }
}
