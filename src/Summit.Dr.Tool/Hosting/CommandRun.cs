using Summit.Dr.Reporting;

namespace Summit.Dr.Tool.Hosting;

/// <summary>What a command asks of the host around its operation.</summary>
/// <param name="Command">The command's name, for the JSON document, the metrics and the webhook.</param>
/// <param name="Json">The outcome goes to stdout as one JSON document, a failure too.</param>
public sealed record CommandRun(string Command, bool Json)
{
    /// <summary>Before the operation, a restore or a Neo4j stop left by a run that died is put right (a dry run changes nothing, so it
    /// does not).</summary>
    public bool Recover { get; init; } = true;

    /// <summary>The command works on containers, so compose discovery runs first.</summary>
    public bool Discover { get; init; }

    /// <summary>The outcome goes to the metrics and the webhook (backup, restore, drill, push, prune; not a dry run).</summary>
    public bool Report { get; init; }

    /// <summary>
    /// The run's backup root in place of Backup:Root (backup --output); Backup:Root's journals are recovered too.
    /// </summary>
    public string? OutputRoot { get; init; }

    /// <summary>`--allow-unsigned`: a backup its signature would have refused is taken, and the log and the JSON say so.</summary>
    public bool AllowUnsigned { get; init; }

    /// <summary>What the run is about, known before it starts (the backup a restore takes): reported even when it fails.</summary>
    public RunFacts Facts { get; init; } = RunFacts.None;
}
