using Summit.Dr.Operations.Remote;
using Summit.Dr.Tool.Terminal;

namespace Summit.Dr.Tool.Commands;

/// <summary>What `pull` says of the backup it brought in, as text or as one JSON document.</summary>
internal static class PullReport
{
    public static void Write(ToolConsole console, PullResult pulled, bool json)
    {
        var directory = pulled.Directory;
        if (json)
        {
            console.WriteJson(
                new { schemaVersion = 1, command = "pull", status = "succeeded", exitCode = 0, name = Path.GetFileName(directory),
                    directory, trust = pulled.Trust });
            return;
        }

        console.Error.WriteLine($"Pulled {Path.GetFileName(directory)} into {directory}; every artifact matches its manifest.");
    }
}
