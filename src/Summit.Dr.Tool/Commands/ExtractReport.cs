using Summit.Dr.Errors;
using Summit.Dr.Operations.Extract;
using Summit.Dr.Tool.Terminal;

namespace Summit.Dr.Tool.Commands;

/// <summary>What `extract` says it wrote, as a line or as one JSON document; its exit code.</summary>
internal static class ExtractReport
{
    public static int Write(ToolConsole console, ExtractResult result, bool json)
    {
        if (json)
        {
            console.WriteJson(new
            {
                schemaVersion = 1, command = "extract", backup = result.Backup, to = result.To, written = result.Written,
                uploadsFiles = result.UploadsFiles,
            });
        }
        else
        {
            console.Error.WriteLine($"Extracted from {result.Backup} into {result.To}: " +
                $"{string.Join(", ", result.Written.Select(Path.GetFileName))}; nothing live was touched.");
        }

        return ExitCodes.Success;
    }
}
