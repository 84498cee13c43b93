using McMaster.Extensions.CommandLineUtils;
using Summit.Dr.Errors;
using Summit.Dr.Reporting;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

[Command("push", Description = "Copy a complete local backup off-site (Remote:*), read every object back, manifest last.",
    ExtendedHelpText = """

        Every artifact is checked against its manifest before it leaves, uploaded under Remote:Prefix/NAME/
        (large ones in parts, streamed), read back and compared with its SHA-256; the manifest goes up last,
        so off-site a backup is complete or visibly incomplete, never complete-looking and partial. Each
        transfer is retried with backoff (Remote:Retries, Remote:RetryDelaySeconds). A failed push removes
        what it uploaded where it can and never touches the local backup. A backup already there is left as
        it is. Exit codes: 0 pushed (or already there); 1 failed; 2 usage, not configured, no such backup;
        3 a different backup of that name is there, or the lock; 4 the local backup is damaged (not pushed).
        """)]
public sealed class PushCommand
{
    [Argument(0, "BACKUP_DIR", "A backup directory, or `latest`.")]
    public string? Backup { get; set; }

    [Option("--wal", Description = "Also push the WAL archive (point-in-time recovery): finished segments and history files, each read " +
        "back.")]
    public bool Wal { get; set; }

    [Option("--json", Description = "Write the outcome as one JSON document to stdout.")]
    public bool Json { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute()
    {
        if (string.IsNullOrWhiteSpace(Backup) && !Wal)
        {
            throw new UsageException("push needs a backup: `summit-dr push latest` or `summit-dr push backups/<YYYYMMDD_HHMMSS>` (or the " +
                "WAL archive: `summit-dr push --wal`).");
        }

        return OperationHost.Run<PushHandler>(
            Parent.ToGlobalOptions(), new CommandRun("push", Json) { Report = true }, async (handler, console, cancellationToken) =>
            {
                var facts = RunFacts.None;
                if (!string.IsNullOrWhiteSpace(Backup))
                {
                    var pushed = await handler.Push.PushAsync(Backup, cancellationToken);
                    facts = facts with { Backup = pushed.Name, PushedBytes = pushed.Bytes };
                    PushReport.Write(console, pushed, Json && !Wal);
                }

                if (Wal)
                {
                    var (files, bytes) = await handler.Wal.PushAsync(cancellationToken);
                    facts = facts with { PushedBytes = (facts.PushedBytes ?? 0) + bytes };
                    PushReport.WriteWal(console, files, bytes, facts, Json);
                }

                return CommandResult.Done(facts);
            });
    }
}
