using McMaster.Extensions.CommandLineUtils;

namespace Summit.Dr.Tool.Commands;

[Command("doctor", Description = "Tell whether a backup and a restore can run here right now (not implemented yet)", ExtendedHelpText = "\n" + NotImplementedYet.Note)]
public sealed class DoctorCommand
{

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute() => NotImplementedYet.Answer("doctor", Parent.ToGlobalOptions());
}
