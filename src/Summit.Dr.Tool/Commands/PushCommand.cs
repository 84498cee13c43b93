using McMaster.Extensions.CommandLineUtils;
using Microsoft.Extensions.DependencyInjection;
using Summit.Dr.Errors;
using Summit.Dr.Operations.Remote;
using Summit.Dr.Operations.Wal;
using Summit.Dr.Progress;
using Summit.Dr.Reporting;
using Summit.Dr.Tool.Hosting;
using Summit.Dr.Tool.Terminal;

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

        return OperationHost.Run(
            Parent.ToGlobalOptions(), new CommandRun("push", Json) { Report = true }, async (services, console, cancellationToken) =>
        {
            var facts = services.GetRequiredService<RunFacts>();
            if (!string.IsNullOrWhiteSpace(Backup))
            {
                var pushed = await services.GetRequiredService<PushOperation>().PushAsync(Backup, cancellationToken);
                facts.Backup = pushed.Name;
                facts.PushedBytes = pushed.Bytes;
                Write(console, pushed, Json && !Wal);
            }

            if (Wal)
            {
                var (files, bytes) = await services.GetRequiredService<WalPushOperation>().PushAsync(cancellationToken);
                facts.PushedBytes = (facts.PushedBytes ?? 0) + bytes;
                if (Json)
                {
                    console.WriteJson(
                        new { schemaVersion = 1, command = "push", status = "succeeded", exitCode = 0, backup = facts.Backup,
                            wal = new { files, bytes }, bytes = facts.PushedBytes });
                }
                else
                {
                    console.Error.WriteLine($"Pushed {files} WAL files ({LoggingProgressReporter.FormatBytes(bytes)}), every object read " +
                        $"back and matching.");
                }
            }

            return ExitCodes.Success;
        });
    }

    internal static void Write(ToolConsole console, PushResult pushed, bool json)
    {
        if (json)
        {
            console.WriteJson(
                new { schemaVersion = 1, command = "push", status = "succeeded", exitCode = 0, name = pushed.Name,
                    location = pushed.Location, bytes = pushed.Bytes, alreadyThere = pushed.AlreadyThere });
            return;
        }

        console.Error.WriteLine(pushed.AlreadyThere
            ? $"{pushed.Name} is already complete at {pushed.Location}."
            : $"Pushed {pushed.Name} to {pushed.Location} ({LoggingProgressReporter.FormatBytes(pushed.Bytes)}, every object read back " +
                $"and matching).");
    }
}
