using Summit.Dr.Model;
using Summit.Dr.Operations.Confirmation;
using Summit.Dr.Progress;


namespace Summit.Dr.Tool.Terminal;

/// <summary>On a terminal: shows what will be overwritten or deleted and asks the operator to type the database name.</summary>
internal sealed class ConsoleConfirmation(ToolConsole console) : IRestoreConfirmation
{
    public bool CanAsk => !System.Console.IsInputRedirected && console.ErrorIsTerminal;

    public async Task<bool> ConfirmAsync(ConfirmationRequest request, CancellationToken cancellationToken)
    {
        var error = console.Error;
        error.WriteLine();
        error.WriteLine(request.Kind switch
        {
            ConfirmationKind.Restore => "This restore overwrites:",
            ConfirmationKind.Undo => "This undo overwrites:",
            _ => "This deletes:",
        });
        foreach (var target in request.Targets)
        {
            error.WriteLine($"  - {Describe(request.Kind, target)}");
        }

        error.WriteLine($"with {Source(request)}.");
        error.WriteLine(request.Kind switch
        {
            ConfirmationKind.Restore when request.SafetyBackup => "What it replaces is kept aside (`summit-dr undo` puts it back), and a " +
                "safety backup of it is written first.",
            ConfirmationKind.Restore => "What it replaces is kept aside, not copied: `summit-dr undo` puts it back.",
            ConfirmationKind.Undo => "What the restore put in its place is removed.",
            _ => "It is deleted for good: that restore can no longer be undone.",
        });
        error.Write($"Type {request.ConfirmationWord} to continue: ");
        var answer = await System.Console.In.ReadLineAsync(cancellationToken);
        return string.Equals(answer?.Trim(), request.ConfirmationWord, StringComparison.Ordinal);
    }

    private static string Source(ConfirmationRequest request) => request.Kind switch
    {
        ConfirmationKind.Restore => $"backup {request.Source}" +
            $"{(request.TakenAt is { } at ? $", taken {at.ToLocalTime():yyyy-MM-dd HH:mm:ss}" : string.Empty)}"
            + (request.Bytes is { } bytes ? $", {LoggingProgressReporter.FormatBytes(bytes)}" : string.Empty),
        ConfirmationKind.Undo => $"the state from before the {request.Source}, kept aside by it",
        _ => "nothing: the kept state is deleted",
    };

    private static string Describe(ConfirmationKind kind, ConfirmationTarget target) => (kind, target.Component) switch
    {
        (ConfirmationKind.Discard, BackupComponent.Postgres) => $"PostgreSQL database {target.Kept} (the database {target.Name} before " +
            $"the restore)",
        (ConfirmationKind.Discard, BackupComponent.Neo4j) => $"Neo4j store {target.Kept} in container {target.Container}'s volume",
        (ConfirmationKind.Discard, _) => $"uploads tree {target.Kept}",
        (_, BackupComponent.Postgres) => $"PostgreSQL database {target.Name} in container {target.Container}",
        (_, BackupComponent.Neo4j) => $"Neo4j database {target.Name} in container {target.Container}",
        _ => $"uploads directory {target.Name}",
    };
}
