using Summit.Dr.Reporting;
using McMaster.Extensions.CommandLineUtils;
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
        OperationHost.Run<VerifyOperation>(
            Parent.ToGlobalOptions(), new CommandRun("verify", Json) { Discover = true }, async (verify, console, cancellationToken) =>
                new CommandResult(VerifyReport.Write(console, await verify.RunAsync(cancellationToken), Json), RunFacts.None));
}
