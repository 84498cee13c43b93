using McMaster.Extensions.CommandLineUtils;

namespace Summit.Dr.Tool.Commands;

[Command("verify", Description = "Run the runbook's health checks: containers, tables, node count, uploads (not implemented yet)", ExtendedHelpText = "\n" + NotImplementedYet.Note)]
public sealed class VerifyCommand
{
    [Option("--json", Description = "Write the outcome as one JSON document to stdout.")]
    public bool Json { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute() => NotImplementedYet.Answer("verify", Parent.ToGlobalOptions());
}
