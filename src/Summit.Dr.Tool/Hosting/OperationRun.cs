namespace Summit.Dr.Tool.Hosting;

/// <summary>The operation a host runs, and the exit code it ends with.</summary>
public sealed class OperationRun(
    string command,
    bool json,
    Func<IServiceProvider, ToolConsole, CancellationToken, Task<int>> body,
    IReadOnlyList<string> recoveryRoots,
    bool discover,
    Action<IServiceProvider>? validate = null,
    bool report = false)
{
    public string Command { get; } = command;

    public bool Json { get; } = json;

    public Func<IServiceProvider, ToolConsole, CancellationToken, Task<int>> Body { get; } = body;

    /// <summary>Backup roots whose stop journals are checked before the operation runs.</summary>
    public IReadOnlyList<string> RecoveryRoots { get; } = recoveryRoots;

    /// <summary>Whether the command works on containers, so compose discovery runs before it.</summary>
    public bool Discover { get; } = discover;

    /// <summary>Checks of the command's input that need configuration (a backup name), run before any docker command.</summary>
    public Action<IServiceProvider>? Validate { get; } = validate;

    /// <summary>Whether the run's outcome goes to the metrics and the webhook (backup, restore, drill, push, prune; not a dry run).</summary>
    public bool Report { get; } = report;

    public int ExitCode { get; set; } = Errors.ExitCodes.Failed;

    /// <summary>The one-line message of a failed run.</summary>
    public string? Error { get; set; }

    /// <summary>The run found the lock held by another one.</summary>
    public bool Locked { get; set; }
}
