using Summit.Dr.Reporting;
using McMaster.Extensions.CommandLineUtils;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

[Command("doctor", Description = "Tell whether a backup and a restore can run here right now.",
    ExtendedHelpText = """

        Checks the docker CLI and daemon, each container (configured or found by compose discovery), Neo4j's
        version and admin syntax, free disk in the backup root against an estimate of the next backup, and
        write permission; then shows the effective configuration and where each value came from (secrets
        masked), and what the last restore kept aside for `summit-dr undo`, with sizes. Exit codes: 0 ready; 3 not ready; 2 usage.
        """)]
public sealed class DoctorCommand
{
    [Option("--json", Description = "Write the checks and configuration as one JSON document to stdout.")]
    public bool Json { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute() =>
        OperationHost.Run<DoctorHandler>(
            Parent.ToGlobalOptions(), new CommandRun("doctor", Json), async (handler, console, cancellationToken) =>
        {
            var report = await handler.Doctor.RunAsync(cancellationToken);
            var kept = await handler.List.KeptAsync(cancellationToken);
            return new CommandResult(DoctorReport.Write(console, report, kept, Json), RunFacts.None);
        });
}
