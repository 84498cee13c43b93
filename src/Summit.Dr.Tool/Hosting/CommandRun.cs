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

    /// <summary>A backup root besides Backup:Root whose journals are recovered too (backup --output).</summary>
    public string? ExtraRecoveryRoot { get; init; }

    /// <summary>`--allow-unsigned`: a backup its signature would have refused is taken, and the log and the JSON say so.</summary>
    public bool AllowUnsigned { get; init; }

    /// <summary>Checks of the command's input that need configuration (a backup name), run before any docker command.</summary>
    public Action<IServiceProvider>? Validate { get; init; }
}
