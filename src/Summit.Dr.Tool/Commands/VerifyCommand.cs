using McMaster.Extensions.CommandLineUtils;
using Microsoft.Extensions.DependencyInjection;
using Summit.Dr.Errors;
using Summit.Dr.Operations.Verify;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

[Command("verify", Description = "Run the runbook's health checks: containers running, tables listed, Neo4j node count, uploads present.",
    ExtendedHelpText = """

        One line per check; a failed check says what to do. `--json` adds the table names, node count and
        uploads file count and bytes. Exit codes: 0 all checks pass; 1 a check failed; 2 usage; 3 docker not reachable.
        """)]
public sealed class VerifyCommand
{
    [Option("--json", Description = "Write the outcome as one JSON document to stdout.")]
    public bool Json { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute() =>
        OperationHost.Run(
            Parent.ToGlobalOptions(), new CommandRun("verify", Json) { Discover = true }, async (services, console, cancellationToken) =>
        {
            var report = await services.GetRequiredService<VerifyOperation>().RunAsync(cancellationToken);
            var exitCode = report.Healthy ? ExitCodes.Success : ExitCodes.Failed;
            if (Json)
            {
                console.WriteJson(new
                {
                    schemaVersion = 1,
                    command = "verify",
                    healthy = report.Healthy,
                    exitCode,
                    checks = report.Checks,
                    postgres = new { tableCount = report.Tables?.Count, tables = report.Tables },
                    neo4j = new { nodeCount = report.NodeCount },
                    uploads = new { files = report.UploadFiles, bytes = report.UploadBytes },
                });
                return exitCode;
            }

            foreach (var check in report.Checks)
            {
                console.Out.WriteLine($"{(check.Passed ? "ok  " : "FAIL")} {check.Name}: {check.Detail}");
            }

            if (!report.Healthy)
            {
                console.Error.WriteLine($"summit-dr: {report.Checks.Count(c => !c.Passed)} check(s) failed; each FAIL line says what to " +
                    $"do.");
            }

            return exitCode;
        });
}
