using Summit.Dr.Operations.Remote;
using Summit.Dr.Progress;
using Summit.Dr.Reporting;
using Summit.Dr.Tool.Terminal;

namespace Summit.Dr.Tool.Commands;

/// <summary>What `push` (and `backup --push`) says of what went off-site, as text or as one JSON document.</summary>
internal static class PushReport
{
    public static void Write(ToolConsole console, PushResult pushed, bool json)
    {
        if (json)
        {
            console.WriteJson(
                new { schemaVersion = 1, command = "push", status = "succeeded", exitCode = 0, name = pushed.Name,
                    location = pushed.Location, bytes = pushed.Bytes, alreadyThere = pushed.AlreadyThere });
            return;
        }

        console.Error.WriteLine(pushed.AlreadyThere
            ? $"{pushed.Name} is already complete at {pushed.Location}."
            : $"Pushed {pushed.Name} to {pushed.Location} ({LoggingProgressReporter.FormatBytes(pushed.Bytes)}, every object read back " +
                $"and matching).");
    }

    /// <summary>The WAL archive pushed: files and bytes (with the backup pushed beside it, in one JSON document).</summary>
    public static void WriteWal(ToolConsole console, int files, long bytes, RunFacts facts, bool json)
    {
        if (json)
        {
            console.WriteJson(
                new { schemaVersion = 1, command = "push", status = "succeeded", exitCode = 0, backup = facts.Backup,
                    wal = new { files, bytes }, bytes = facts.PushedBytes });
            return;
        }

        console.Error.WriteLine($"Pushed {files} WAL files ({LoggingProgressReporter.FormatBytes(bytes)}), every object read back and " +
            $"matching.");
    }
}
