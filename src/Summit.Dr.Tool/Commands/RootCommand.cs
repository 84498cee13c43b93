using McMaster.Extensions.CommandLineUtils;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

[Command("summit-dr",
    Description = "Disaster recovery for the Summit platform: PostgreSQL, Neo4j and uploads, backed up and restored safely.",
    ExtendedHelpText = """

        Configuration, later wins: built-in defaults < summit-dr.json in the working directory (or --config)
        < SUMMIT_DR_<Section>__<Key> environment variables < --docker and --set Section:Key=value.

        Exit codes: 0 success; 1 the operation failed; 2 usage or configuration error;
        3 a precondition is not met (docker, a container, the lock); 4 integrity failure, nothing touched;
        5 a recovery objective is breached (status); 130 interrupted.
        """)]
[Subcommand(
    typeof(BackupCommand),
    typeof(RestoreCommand),
    typeof(UndoCommand),
    typeof(VerifyCommand),
    typeof(ListCommand),
    typeof(StatusCommand),
    typeof(ShowCommand),
    typeof(ExtractCommand),
    typeof(CheckCommand),
    typeof(PruneCommand),
    typeof(DrillCommand),
    typeof(PushCommand),
    typeof(PullCommand),
    typeof(WalCommand),
    typeof(DoctorCommand))]
[VersionOptionFromMember("--version", MemberName = nameof(Version))]
[HelpOption("-h|--help", Inherited = true)]
public sealed class RootCommand
{
    public static string Version => ToolInfo.FromAssembly(typeof(RootCommand).Assembly).Version;

    [Option("--config <FILE>", Description = "Configuration file (default: summit-dr.json in the working directory, if " +
        "present).", Inherited = true)]
    public string? ConfigFile { get; set; }

    [Option("--workdir <DIR>", Description = "Directory that relative paths (uploads, backups) are resolved against (default: " +
        "current).", Inherited = true)]
    public string? WorkingDirectory { get; set; }

    [Option("--docker <PATH>", Description = "The docker CLI or a compatible one such as podman (default: docker on " +
        "PATH).", Inherited = true)]
    public string? Docker { get; set; }

    [Option("--set <SETTING>", CommandOptionType.MultipleValue, Description = "Override one setting, e.g. --set " +
        "Neo4j:StopTimeoutSeconds=300.", Inherited = true)]
    public string[] Settings { get; set; } = [];

    [Option("-v|--verbose", Description = "Show every docker command and debug detail.", Inherited = true)]
    public bool Verbose { get; set; }

    [Option("-q|--quiet", Description = "Only warnings and errors.", Inherited = true)]
    public bool Quiet { get; set; }

    public GlobalOptions ToGlobalOptions() => new(ConfigFile, WorkingDirectory, Docker, Settings, Verbose, Quiet);

    public int OnExecute(CommandLineApplication app)
    {
        app.ShowHelp();
        return ExitCodes.Usage;
    }

}
