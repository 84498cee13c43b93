using System.Text.Json;
using Summit.Dr.Model;

namespace Summit.Dr.Tool.Terminal;

/// <summary>The tool's edge to the terminal: results on stdout, human progress and errors on stderr.</summary>
public sealed class ToolConsole(StatusLine status)
{
    public TextWriter Out { get; } = Console.Out;

    /// <summary>stderr, through the status line, so nothing written here lands on the live line.</summary>
    public TextWriter Error { get; } = status.Writer;

    public bool ErrorIsTerminal { get; } = status.IsTerminal;

    public StatusLine Status { get; } = status;

    public void WriteJson(object document) => Out.WriteLine(JsonSerializer.Serialize(document, JsonDefaults.Options));
}
