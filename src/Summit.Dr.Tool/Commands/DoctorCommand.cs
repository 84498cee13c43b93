using McMaster.Extensions.CommandLineUtils;
using Microsoft.Extensions.DependencyInjection;
using Summit.Dr.Errors;
using Summit.Dr.Operations.Doctor;
using Summit.Dr.Operations.List;
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
        OperationHost.Run(Parent.ToGlobalOptions(), new CommandRun("doctor", Json), async (services, console, cancellationToken) =>
        {
            var report = await services.GetRequiredService<DoctorOperation>().RunAsync(cancellationToken);
            var exitCode = report.Ready ? ExitCodes.Success : ExitCodes.Precondition;
            var kept = await services.GetRequiredService<ListOperation>().KeptAsync(cancellationToken);
            if (Json)
            {
                console.WriteJson(
                    new { schemaVersion = 1, command = "doctor", ready = report.Ready, exitCode, checks = report.Checks,
                        configuration = report.Configuration, kept = kept.Select(k => KeptReport.Json(k.State, k.Sizes)) });
                return exitCode;
            }

            foreach (var check in report.Checks)
            {
                console.Out.WriteLine($"{(check.Passed ? "ok  " : "FAIL")} {check.Name}: {check.Detail}");
            }

            console.Out.WriteLine();
            console.Out.WriteLine("Effective configuration:");
            foreach (var entry in report.Configuration)
            {
                console.Out.WriteLine($"  {entry.Key,-26} {entry.Value ?? "-",-32} {entry.Source}");
            }

            KeptReport.Write(console.Out, kept);

            console.Error.WriteLine(report.Ready
                ? "Ready: a backup and a restore can run here."
                : $"summit-dr: not ready: {report.Checks.Count(c => !c.Passed)} check(s) failed; each FAIL line says what to do.");
            return exitCode;
        });
}
