using System.Text.Json;

namespace Summit.Dr.Tool.Hosting;

/// <summary>The tool's edge to the terminal: results on stdout, human progress and errors on stderr.</summary>
public sealed class ToolConsole
{
    public TextWriter Out { get; } = Console.Out;

    public TextWriter Error { get; } = Console.Error;

    public bool ErrorIsTerminal { get; } = !Console.IsErrorRedirected;

    public void WriteJson(object document) => Out.WriteLine(JsonSerializer.Serialize(document, JsonDefaults.Options));
}
