using McMaster.Extensions.CommandLineUtils;
using Summit.Dr.Errors;
using Summit.Dr.Operations.Status;
using Summit.Dr.Reporting;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

[Command("status", Description = "What an incident would lose and how long it would take, now, against the recovery objectives.",
    ExtendedHelpText = """

        Each store's newest recovery point (PostgreSQL: the last archived second when point-in-time recovery
        is on, or a backup taken since; otherwise the newest complete backup holding the store) and its age
        against Objectives:RpoMinutes (default 1440); the same off-site when Remote:* is set; the last drill's
        measured restore time against Objectives:RtoMinutes (10) and its age against Objectives:DrillMaxAgeDays
        (7); the newest backups' expected restore time, scaled from the drill by size. Each figure says where it
        was read.
        With Metrics:* set, the figures are written as gauges too (`status --quiet` from a timer: quiet, it
        prints only the breaches, as warnings).
        Exit codes: 0 within the objectives; 5 an objective is breached; 1 failed; 2 usage; 3 precondition.
        """)]
public sealed class StatusCommand
{
    [Option("--json", Description = "Write the status as one JSON document to stdout.")]
    public bool Json { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute() =>
        OperationHost.Run<StatusOperation>(
            Parent.ToGlobalOptions(), new CommandRun("status", Json) { Report = true, Recover = false },
            async (status, console, cancellationToken) =>
        {
            var result = await status.RunAsync(cancellationToken);
            StatusReport.Write(console, result, Json, Parent.Quiet);
            return new CommandResult(result.Within ? ExitCodes.Success : ExitCodes.Breached, new RunFacts { Status = result });
        });
}
