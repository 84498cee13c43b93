using McMaster.Extensions.CommandLineUtils;

namespace Summit.Dr.Tool.Commands;

[Command("prune", Description = "Delete old backups by a keep policy (not implemented yet)", ExtendedHelpText = "\n" + NotImplementedYet.Note)]
public sealed class PruneCommand
{
    [Option("--keep-last <N>", Description = "Keep the N newest backups.")]
    public int? KeepLast { get; set; }

    [Option("--keep-daily <N>", Description = "Keep the newest backup of each of the last N days.")]
    public int? KeepDaily { get; set; }

    [Option("--keep-weekly <N>", Description = "Keep the newest backup of each of the last N weeks.")]
    public int? KeepWeekly { get; set; }

    [Option("--keep-monthly <N>", Description = "Keep the newest backup of each of the last N months.")]
    public int? KeepMonthly { get; set; }

    [Option("--dry-run", Description = "List what would be deleted and why each survivor is kept.")]
    public bool DryRun { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute() => NotImplementedYet.Answer("prune", Parent.ToGlobalOptions());
}
