using McMaster.Extensions.CommandLineUtils;
using Summit.Dr.Errors;
using Summit.Dr.Operations.Extract;
using Summit.Dr.Reporting;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

[Command("extract", Description = "Write what a backup holds into a directory, touching nothing live: the uploads (or some of them), " +
    "and on request the PostgreSQL dump as SQL and the Neo4j dump.",
    ExtendedHelpText = """

        The backup is opened as a restore opens it (signature, encryption) and every artifact is proven on its
        way (size, SHA-256, every archive entry); only what was proven is written. The uploads go to DIR/uploads
        with the owners, modes and times a restore gives them. --include takes * and ? (a * crosses
        directories), matched against the path under uploads/, and may be given more than once.
        Exit codes: 0 extracted; 2 usage (no such backup, something already at the destination); 3 docker or
        PostgreSQL missing (--postgres-sql only); 4 the backup is damaged or refused.
        """)]
public sealed class ExtractCommand
{
    [Argument(0, "BACKUP_DIR", "A backup directory, or `latest`.")]
    public string? Backup { get; set; }

    [Option("--to <DIR>", Description = "Where to write; created if it does not exist. Nothing already there is overwritten.")]
    public string? To { get; set; }

    [Option("--include <GLOB>", Description = "Only the uploads whose path under uploads/ matches (e.g. 'imports/*.csv').")]
    public string[] Include { get; set; } = [];

    [Option("--postgres-sql", Description = "Also the PostgreSQL dump as SQL (pg_restore in the PostgreSQL container).")]
    public bool PostgresSql { get; set; }

    [Option("--neo4j-dump", Description = "Also the Neo4j dump, as it is.")]
    public bool Neo4jDump { get; set; }

    [Option("--json", Description = "Write the outcome as one JSON document to stdout.")]
    public bool Json { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute()
    {
        if (string.IsNullOrWhiteSpace(Backup) || string.IsNullOrWhiteSpace(To))
        {
            throw new UsageException("extract needs a backup and a destination: `summit-dr extract latest --to ./evidence " +
                "[--include 'imports/*.csv']`.");
        }

        return OperationHost.Run<ExtractHandler>(
            Parent.ToGlobalOptions(), new CommandRun("extract", Json) { Discover = PostgresSql },
            async (handler, console, cancellationToken) =>
            {
                var result = await handler.Extract.RunAsync(
                    new ExtractRequest(handler.Catalog.Resolve(Backup), To, Include, PostgresSql, Neo4jDump), cancellationToken);
                return new CommandResult(ExtractReport.Write(console, result, Json), RunFacts.None);
            },
            handler => handler.Catalog.Resolve(Backup));
    }
}
