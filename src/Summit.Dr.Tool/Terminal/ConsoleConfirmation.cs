using Summit.Dr.Restore;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Terminal;

/// <summary>On a terminal: shows what will be overwritten and asks the operator to type the database name.</summary>
internal sealed class ConsoleConfirmation(ToolConsole console) : IRestoreConfirmation
{
    public bool CanAsk => !System.Console.IsInputRedirected && console.ErrorIsTerminal;

    public async Task<bool> ConfirmAsync(RestoreSummary summary, CancellationToken cancellationToken)
    {
        var error = console.Error;
        error.WriteLine();
        error.WriteLine($"{summary.Heading}:");
        foreach (var item in summary.Overwrites)
        {
            error.WriteLine($"  - {item}");
        }

        error.WriteLine($"with {summary.Source}.");
        error.WriteLine(summary.Note);
        error.Write($"Type {summary.ConfirmationWord} to continue: ");
        var answer = await System.Console.In.ReadLineAsync(cancellationToken);
        return string.Equals(answer?.Trim(), summary.ConfirmationWord, StringComparison.Ordinal);
    }
}
