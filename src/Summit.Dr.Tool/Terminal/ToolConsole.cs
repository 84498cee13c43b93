using System.Text.Json;
using System.Text.Json.Nodes;
using Summit.Dr.Errors;
using Summit.Dr.Model;

namespace Summit.Dr.Tool.Terminal;

/// <summary>The tool's edge to the terminal: results on stdout, human progress and errors on stderr.</summary>
public sealed class ToolConsole(StatusLine status)
{
    private readonly List<JsonNode> _documents = [];

    public TextWriter Out { get; } = Console.Out;

    /// <summary>stderr, through the status line, so nothing written here lands on the live line.</summary>
    public TextWriter Error { get; } = status.Writer;

    public bool ErrorIsTerminal { get; } = status.IsTerminal;

    public StatusLine Status { get; } = status;

    /// <summary>The run's JSON document: written when the run ends (<see cref="FlushJson"/>), with its outcome.</summary>
    public void WriteJson(object document)
    {
        lock (_documents)
        {
            _documents.Add(JsonSerializer.SerializeToNode(document, JsonDefaults.Options)!);
        }
    }

    /// <summary>A failure's document, in place of whatever the run wrote before it failed.</summary>
    public void ReplaceJson(object document)
    {
        lock (_documents)
        {
            _documents.Clear();
        }

        WriteJson(document);
    }

    /// <summary>
    /// Writes the run's document to stdout with the fields every document carries, whatever the command: `exitCode`,
    /// the process's exit code, and `outcome`, its word (succeeded, failed, usage, precondition, integrity, interrupted).
    /// </summary>
    public void FlushJson(int exitCode)
    {
        lock (_documents)
        {
            foreach (var document in _documents)
            {
                if (document is JsonObject fields)
                {
                    fields["exitCode"] = exitCode;
                    fields["outcome"] = ExitCodes.Outcome(exitCode);
                }

                Out.WriteLine(document.ToJsonString(JsonDefaults.Options));
            }

            _documents.Clear();
        }
    }
}
