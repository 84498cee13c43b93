using Summit.Dr.Reporting;
using McMaster.Extensions.CommandLineUtils;
using Summit.Dr.Errors;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

[Command("check", Description = "Check a backup's integrity without side effects: checksums, and a full read of every artifact.",
    ExtendedHelpText = """

        Everything restore verifies before it destroys, plus pg_restore over every data block, the whole
        uploads archive and the Neo4j dump. One line per finding.
        Exit codes: 0 sound; 4 unsound; 2 usage; 3 docker or a container missing (the dumps are read with
        the platform's own tools).
        """)]
public sealed class CheckCommand
{
    [Argument(0, "BACKUP_DIR", "A backup directory, or `latest`.")]
    public string? Backup { get; set; }

    [Option("--allow-unsigned", Description = "Take a backup that is not signed by a trusted key (Signing:TrustedKeyFiles); said so in " +
        "the log and the JSON.")]
    public bool AllowUnsigned { get; set; }

    [Option("--json", Description = "Write the findings as one JSON document to stdout.")]
    public bool Json { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute()
    {
        if (string.IsNullOrWhiteSpace(Backup))
        {
            throw new UsageException("check needs a backup: `summit-dr check backups/<YYYYMMDD_HHMMSS>` or `summit-dr check latest`.");
        }

        return OperationHost.Run<CheckHandler>(
            Parent.ToGlobalOptions(),
            new CommandRun("check", Json) { AllowUnsigned = AllowUnsigned, Discover = true },
            async (handler, console, cancellationToken) =>
                new CommandResult(CheckReport.Write(console, await handler.Check.RunAsync(Backup, cancellationToken), Json), RunFacts.None),
            handler => handler.Catalog.Resolve(Backup));
    }
}
