using Summit.Dr.Progress;
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
        error.WriteLine("This restore overwrites:");
        foreach (var item in summary.Overwrites)
        {
            error.WriteLine($"  - {item}");
        }

        var created = summary.CreatedAt is { } at ? $", taken {at.ToLocalTime():yyyy-MM-dd HH:mm:ss}" : string.Empty;
        error.WriteLine($"with backup {summary.Backup}{created}, {LoggingProgressReporter.FormatBytes(summary.Bytes)}.");
        error.WriteLine(summary.SafetyBackup
            ? "A safety backup of the current state is taken first, so this can be undone."
            : "No safety backup will be taken: this cannot be undone.");
        error.Write($"Type {summary.ConfirmationWord} to continue: ");
        var answer = await System.Console.In.ReadLineAsync(cancellationToken);
        return string.Equals(answer?.Trim(), summary.ConfirmationWord, StringComparison.Ordinal);
    }
}
