using McMaster.Extensions.CommandLineUtils;

namespace Summit.Dr.Tool.Commands;

[Command("check", Description = "Check a backup's integrity without side effects (not implemented yet)", ExtendedHelpText = "\n" + NotImplementedYet.Note)]
public sealed class CheckCommand
{
    [Argument(0, "BACKUP_DIR", "A backup directory, or `latest`.")]
    public string? Backup { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute() => NotImplementedYet.Answer("check", Parent.ToGlobalOptions());
}
