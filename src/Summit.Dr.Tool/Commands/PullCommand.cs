using McMaster.Extensions.CommandLineUtils;
using Summit.Dr.Errors;
using Summit.Dr.Operations.Remote;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

[Command("pull", Description = "Fetch an off-site backup into the backup root, verified: then it is an ordinary local backup.",
    ExtendedHelpText = """

        Downloads into .incomplete-NAME, checks every artifact's size and SHA-256 against the manifest on the
        way, and only then gives the directory its name. A backup incomplete off-site (no manifest) is
        refused. `restore --remote` and `drill --remote` pull first.
        Exit codes: 0 pulled (or already here); 1 failed; 2 usage, not configured, no such backup; 3 free disk,
        a different local backup of that name, or the lock; 4 damaged or incomplete off-site (nothing kept).
        """)]
public sealed class PullCommand
{
    [Argument(0, "NAME", "A backup name off-site, or `latest` (`summit-dr list --remote` shows them).")]
    public string? Backup { get; set; }

    [Option("--allow-unsigned", Description = "Take a backup that is not signed by a trusted key (Signing:TrustedKeyFiles); said so in " +
        "the log and the JSON.")]
    public bool AllowUnsigned { get; set; }

    [Option("--json", Description = "Write the outcome as one JSON document to stdout.")]
    public bool Json { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute()
    {
        if (string.IsNullOrWhiteSpace(Backup))
        {
            throw new UsageException("pull needs a backup name: `summit-dr pull latest` or `summit-dr pull <YYYYMMDD_HHMMSS>`.");
        }

        return OperationHost.Run<PullOperation>(
            Parent.ToGlobalOptions(), new CommandRun("pull", Json) { AllowUnsigned = AllowUnsigned },
            async (pull, console, cancellationToken) =>
            {
                PullReport.Write(console, await pull.PullAsync(Backup, cancellationToken), Json);
                return CommandResult.Done();
            });
    }
}
