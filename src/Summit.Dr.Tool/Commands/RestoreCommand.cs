using McMaster.Extensions.CommandLineUtils;

namespace Summit.Dr.Tool.Commands;

[Command("restore", Description = "Restore a backup (a directory or `latest`) after verifying it, with a safety backup first (not implemented yet)", ExtendedHelpText = "\n" + NotImplementedYet.Note)]
public sealed class RestoreCommand
{
    [Argument(0, "BACKUP_DIR", "A backup directory, or `latest`.")]
    public string? Backup { get; set; }

    [Option("--yes", Description = "Confirm without a prompt (required without a terminal).")]
    public bool Yes { get; set; }

    [Option("--only <LIST>", Description = "Comma-separated components: postgres,neo4j,uploads.")]
    public string? Only { get; set; }

    [Option("--no-safety-backup", Description = "Skip the backup of the current state taken before overwriting it.")]
    public bool NoSafetyBackup { get; set; }

    [Option("--dry-run", Description = "Print the full plan; run nothing.")]
    public bool DryRun { get; set; }

    [Option("--json", Description = "Write the outcome as one JSON document to stdout.")]
    public bool Json { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute() => NotImplementedYet.Answer("restore", Parent.ToGlobalOptions());
}
