using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Reporting;
using Summit.Dr.Tool.Terminal;

namespace Summit.Dr.Tool.Hosting;

/// <summary>The operation a host runs, what the command asked of the host, and the exit code it ends with.</summary>
public sealed class OperationRun(
    CommandRun command, Func<IServiceProvider, ToolConsole, CancellationToken, Task<CommandResult>> body,
        IReadOnlyList<BackupRoot> recoveryRoots)
{
    public CommandRun Command { get; } = command;

    public Func<IServiceProvider, ToolConsole, CancellationToken, Task<CommandResult>> Body { get; } = body;

    /// <summary>Checks of the command's input that need configuration (a backup name), run before any docker command.</summary>
    public Action<IServiceProvider>? Validate { get; init; }

    /// <summary>What the run found worth reporting: the command's own once it returned, else what it named before it started.</summary>
    public RunFacts Facts { get; set; } = RunFacts.None;

    /// <summary>Backup roots whose stop journals are checked before the operation runs.</summary>
    public IReadOnlyList<BackupRoot> RecoveryRoots { get; } = recoveryRoots;

    /// <summary>What the settings checks found worth a warning, given before the operation runs.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The working directory and the settings file the run uses: its first line.</summary>
    public string? Origin { get; init; }

    public int ExitCode { get; set; } = ExitCodes.Failed;

    /// <summary>The one-line message of a failed run.</summary>
    public string? Error { get; set; }

    /// <summary>The run found the lock held by another one.</summary>
    public bool Locked { get; set; }
}
