using McMaster.Extensions.CommandLineUtils;
using Microsoft.Extensions.DependencyInjection;
using Summit.Dr.Archive.Catalog;
using Summit.Dr.Errors;
using Summit.Dr.Operations.Drill;
using Summit.Dr.Operations.Remote;
using Summit.Dr.Operations.Restore;
using Summit.Dr.Reporting;
using Summit.Dr.Stores.Wal;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

[Command("drill", Description = "Rehearse a restore in scratch containers beside the platform, prove the backup against its manifest, " +
    "tear down.",
    ExtendedHelpText = """

        The backup is verified as restore verifies it, then restored into throwaway containers of the live
        containers' own images (fresh volumes labelled summit-dr.drill, --network none, the live users,
        database names and auth; never their names or volumes) and a scratch uploads directory under the
        system temp dir. The result is proved against the manifest: tables and exact row counts, Neo4j node and
        relationship counts, uploads files, bytes and a hash of the whole tree; Drill:Sql and Drill:Cypher smoke
        queries must return a row. The recovery time is reported against the runbook's 10 minutes and recorded
        in the backup's drill.json (`list` shows it). Everything created is removed, also on failure and
        Ctrl+C; --keep leaves it for inspection. Live containers are never stopped or changed.
        Exit codes: 0 proven; 1 the drill itself failed (an image missing, a scratch server not starting);
        2 usage or no such backup; 4 the backup does not restore or does not match its manifest; 130 interrupted.
        """)]
public sealed class DrillCommand
{
    [Argument(0, "BACKUP_DIR", "A backup directory, or `latest`.")]
    public string? Backup { get; set; }

    [Option("--keep", Description = "Leave the scratch containers, volumes and directory for inspection (prints how to reach and remove " +
        "them).")]
    public bool Keep { get; set; }

    [Option("--remote", Description = "BACKUP_DIR names a backup off-site (or `latest` there): pull it first, verified, then drill it.")]
    public bool Remote { get; set; }

    [Option("--allow-unsigned", Description = "Take a backup that is not signed by a trusted key (Signing:TrustedKeyFiles); said so in " +
        "the log and the JSON.")]
    public bool AllowUnsigned { get; set; }

    [Option("--to <TIME>", Description = "Rehearse a restore to a point in time (\"2026-12-01 14:02:00+01\", or \"-15m\"): PostgreSQL " +
        "from a base backup and the WAL archive, proved to stop exactly there. Needs Pitr:Enabled.")]
    public string? To { get; set; }

    [Option("--json", Description = "Write the outcome as one JSON document to stdout.")]
    public bool Json { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute()
    {
        if (string.IsNullOrWhiteSpace(Backup) && To is null)
        {
            throw new UsageException("drill needs a backup: `summit-dr drill latest` or `summit-dr drill backups/<YYYYMMDD_HHMMSS>` (or " +
                "a point in time: `summit-dr drill --to TIME`).");
        }

        if (To is not null && (Backup is not null || Remote))
        {
            throw new UsageException("--to picks the backups itself (the newest base backup before the time, and the WAL archive): pass " +
                "no BACKUP_DIR and no --remote.");
        }

        var to = To is null ? (DateTimeOffset?)null : RecoveryTarget.Parse(To, DateTimeOffset.Now);
        return OperationHost.Run(
            Parent.ToGlobalOptions(),
            new CommandRun(
                "drill", Json) { AllowUnsigned = AllowUnsigned, Discover = true, Report = true, Validate = Remote ? null : to is not null
                    ? (Action<IServiceProvider>)RestoreCommand.RequirePitr : services =>
                        services.GetRequiredService<BackupCatalog>().Resolve(Backup!) }, async (services, console, cancellationToken) =>
        {
            var backup = Remote ? (await services.GetRequiredService<PullOperation>().PullAsync(Backup!, cancellationToken)).Directory
                : Backup ?? string.Empty;
            var result = await services.GetRequiredService<DrillOperation>().RunAsync(backup, Keep, to, cancellationToken);
            var facts = services.GetRequiredService<RunFacts>();
            facts.Backup = Path.GetFileName(result.Backup.TrimEnd('/'));
            facts.RecoverySeconds = result.Total.TotalSeconds;
            var exitCode = result.Proven ? ExitCodes.Success : ExitCodes.Integrity;
            var error = console.Error;
            if (result.Kept)
            {
                error.WriteLine($"Kept for inspection: containers {string.Join(", ", result.Containers)}; volumes " +
                    $"{string.Join(", ", result.Volumes)}; directory {result.Directory}.");
                error.WriteLine($"Connect with `docker exec -it {(result.Containers.Count > 0 ? result.Containers[0] : "<container>")} " +
                    $"psql ...` or `cypher-shell`; remove with `docker rm -f {string.Join(' ', result.Containers)}` and `docker volume " +
                        $"rm {string.Join(' ', result.Volumes)}` and `rm -rf {result.Directory}`.");
            }

            if (Json)
            {
                console.WriteJson(new
                {
                    schemaVersion = 1,
                    command = "drill",
                    status = result.Proven ? "proven" : "mismatch",
                    exitCode,
                    backup = result.Backup,
                    id = result.Id,
                    factsRecorded = result.FactsRecorded,
                    totalSeconds = Math.Round(result.Total.TotalSeconds, 3),
                    recoveryTimeObjectiveSeconds = RestoreResult.RecoveryTimeObjective.TotalSeconds,
                    steps = result.Steps,
                    checks = result.Checks,
                    images = result.Images,
                    warnings = result.Warnings,
                    trust = result.Trust,
                    kept = result.Kept ? new { containers = result.Containers, volumes = result.Volumes, directory = result.Directory }
                        : null,
                });
                return exitCode;
            }

            StepsReport.Write(error, result.Steps, result.Checks);

            foreach (var warning in result.Warnings)
            {
                error.WriteLine($"warning: {warning}");
            }

            var objective = result.Total <= RestoreResult.RecoveryTimeObjective ? "within" : "OVER";
            error.WriteLine(result.Proven
                ? $"Drill of {Path.GetFileName(result.Backup)} proven: restored in {result.Total.TotalSeconds:0.0} s, {objective} the " +
                    $"recovery time objective of {RestoreResult.RecoveryTimeObjective.TotalMinutes:0} minutes."
                : $"summit-dr: the drill of {Path.GetFileName(result.Backup)} does not match its manifest (see FAIL above): do not rely " +
                    $"on this backup; restore another or take a new one.");
            return exitCode;
        });
    }
}
