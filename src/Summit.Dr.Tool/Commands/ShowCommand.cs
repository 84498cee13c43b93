using McMaster.Extensions.CommandLineUtils;
using Summit.Dr.Errors;
using Summit.Dr.Operations.Show;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

[Command("show", Description = "Show one backup: its stores, sizes and checksums, signature, encryption, point-in-time base and last " +
    "drill; changes nothing.",
    ExtendedHelpText = """

        Reads the backup's manifest (and its signature) once and runs no docker command. `check` reads every
        artifact; `show` only says what the backup holds and what a restore would make of it.
        Exit codes: 0 shown; 2 usage or no such backup.
        """)]
public sealed class ShowCommand
{
    [Argument(0, "BACKUP_DIR", "A backup directory, or `latest`.")]
    public string? Backup { get; set; }

    [Option("--json", Description = "Write the backup as one JSON document to stdout.")]
    public bool Json { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute()
    {
        if (string.IsNullOrWhiteSpace(Backup))
        {
            throw new UsageException("show needs a backup: `summit-dr show backups/<YYYYMMDD_HHMMSS>` or `summit-dr show latest`.");
        }

        return OperationHost.Run<ShowOperation>(
            Parent.ToGlobalOptions(), new CommandRun("show", Json) { Recover = false }, (show, console, _) =>
                Task.FromResult(new CommandResult(ShowReport.Write(console, show.Run(Backup), Json), Reporting.RunFacts.None)));
    }
}
