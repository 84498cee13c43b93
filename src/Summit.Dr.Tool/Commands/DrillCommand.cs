using McMaster.Extensions.CommandLineUtils;

namespace Summit.Dr.Tool.Commands;

[Command("drill", Description = "Restore a backup into scratch containers, verify it and tear them down (not implemented yet)", ExtendedHelpText = "\n" + NotImplementedYet.Note)]
public sealed class DrillCommand
{
    [Argument(0, "BACKUP_DIR", "A backup directory, or `latest`.")]
    public string? Backup { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute() => NotImplementedYet.Answer("drill", Parent.ToGlobalOptions());
}
