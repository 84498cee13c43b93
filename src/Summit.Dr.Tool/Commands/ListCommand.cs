using McMaster.Extensions.CommandLineUtils;

namespace Summit.Dr.Tool.Commands;

[Command("list", Description = "List backups with time, size, components and state (not implemented yet)", ExtendedHelpText = "\n" + NotImplementedYet.Note)]
public sealed class ListCommand
{
    [Option("--json", Description = "Write the outcome as one JSON document to stdout.")]
    public bool Json { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute() => NotImplementedYet.Answer("list", Parent.ToGlobalOptions());
}
