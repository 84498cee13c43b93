using McMaster.Extensions.CommandLineUtils;
using Microsoft.Extensions.DependencyInjection;
using Summit.Dr.Archive.Catalog;
using Summit.Dr.Errors;
using Summit.Dr.Operations.Check;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

[Command("check", Description = "Check a backup's integrity without side effects: checksums, and a full read of every artifact.",
    ExtendedHelpText = """

        Everything restore verifies before it destroys, plus pg_restore over every data block, the whole
        uploads archive and the Neo4j dump. One line per finding.
        Exit codes: 0 sound; 4 unsound; 2 usage; 3 docker or a container missing (the dumps are read with
        the platform's own tools).
        """)]
public sealed class CheckCommand
{
    [Argument(0, "BACKUP_DIR", "A backup directory, or `latest`.")]
    public string? Backup { get; set; }

    [Option("--allow-unsigned", Description = "Take a backup that is not signed by a trusted key (Signing:TrustedKeyFiles); said so in " +
        "the log and the JSON.")]
    public bool AllowUnsigned { get; set; }

    [Option("--json", Description = "Write the findings as one JSON document to stdout.")]
    public bool Json { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute()
    {
        if (string.IsNullOrWhiteSpace(Backup))
        {
            throw new UsageException("check needs a backup: `summit-dr check backups/<YYYYMMDD_HHMMSS>` or `summit-dr check latest`.");
        }

        return OperationHost.Run(
            Parent.ToGlobalOptions(),
            new CommandRun(
                "check", Json) { AllowUnsigned = AllowUnsigned, Discover = true, Validate = services =>
                    services.GetRequiredService<BackupCatalog>().Resolve(Backup) }, async (services, console, cancellationToken) =>
        {
            var result = await services.GetRequiredService<CheckOperation>().RunAsync(Backup, cancellationToken);
            var exitCode = result.Sound ? ExitCodes.Success : ExitCodes.Integrity;
            if (Json)
            {
                console.WriteJson(
                    new { schemaVersion = 1, command = "check", backup = result.Directory, sound = result.Sound, exitCode,
                        findings = result.Findings, trust = result.Trust });
                return exitCode;
            }

            foreach (var finding in result.Findings)
            {
                console.Out.WriteLine($"{(finding.Sound ? "ok " : "BAD")}  {finding.Subject}: {finding.Detail}");
            }

            var name = Path.GetFileName(result.Directory);
            console.Error.WriteLine(result.Sound
                ? $"{name} is sound."
                : $"summit-dr: {name} is NOT sound ({result.Findings.Count(f => !f.Sound)} problem(s) above); do not restore it.");
            return exitCode;
        });
    }
}
