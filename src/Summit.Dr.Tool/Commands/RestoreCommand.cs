using McMaster.Extensions.CommandLineUtils;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Restore;
using Summit.Dr.Reporting;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

[Command("restore", Description = "Restore a backup (a directory or `latest`): verified first, confirmed, undoable.",
    ExtendedHelpText = """

        Before anything live is touched every check runs (manifest, checksums, pg_restore --list, every tar
        entry, the Neo4j dump) while each store is prepared beside the live one. Then the three stores are
        swapped in together, with one stop and one start of Neo4j; the state they replace is kept aside (the
        database renamed, the Neo4j store moved within its volume, the uploads tree renamed), not copied. If a
        store fails, every replaced store is put back. After success, `summit-dr undo` puts the old state back
        and `summit-dr undo --discard` frees it; the next restore frees it too.
        Exit codes: 0 restored and checked; 1 failed (the message says what state the platform is in) or a
        post-restore check failed; 2 usage, no such backup, or not confirmed; 3 docker/container/lock/free-disk
        precondition; 4 the backup is incomplete, corrupt or unsafe (nothing touched); 130 interrupted (put back).
        """)]
public sealed class RestoreCommand : BackupChoiceCommand
{
    [Option("--yes", Description = "Confirm without a prompt (required without a terminal).")]
    public bool Yes { get; set; }

    [Option("--only <LIST>", Description = "Comma-separated components: postgres,neo4j,uploads (default: all the backup holds).")]
    public string? Only { get; set; }

    [Option("--safety-backup", Description = "Also write a durable backup of the current state first (it is kept aside for undo either " +
        "way).")]
    public bool SafetyBackup { get; set; }

    /// <summary>Accepted for scripts written for earlier versions, where the safety backup was the default; it is the default
    /// now.</summary>
    [Option("--no-safety-backup", ShowInHelpText = false)]
    public bool NoSafetyBackup { get; set; }

    [Option("--dry-run", Description = "Print the full plan: every check and docker command; run nothing.")]
    public bool DryRun { get; set; }

    public int OnExecute()
    {
        var to = Choose("restore");
        if (SafetyBackup && NoSafetyBackup)
        {
            throw new UsageException("--safety-backup and --no-safety-backup contradict each other; pass one.");
        }

        var request = new RestoreRequest(
            Backup ?? string.Empty, BackupComponents.Parse(Only), Only is not null, Yes, SafetyBackup, DryRun) { To = to };
        var named = new RunFacts { Backup = to is { } time ? $"to {time:yyyy-MM-dd HH:mm:ss zzz}" : Path.GetFileName(
            request.Backup.TrimEnd('/')) };
        return OperationHost.Run<RestoreHandler>(
            Parent.ToGlobalOptions(),
            new CommandRun("restore", Json)
            {
                AllowUnsigned = AllowUnsigned, Recover = !request.DryRun, Discover = true, Report = !request.DryRun, Facts = named,
            },
            async (handler, console, cancellationToken) =>
            {
                if (request.DryRun)
                {
                    var plan = await handler.Restore.RunAsync(request, cancellationToken);
                    return new CommandResult(PlanReport.Write(console, "restore", plan.Records, Json), RunFacts.None);
                }

                var local = request with { Backup = await LocalAsync(handler.Source, cancellationToken) };
                var result = await handler.Restore.RunAsync(local, cancellationToken);
                var facts = named with
                {
                    Backup = to is null ? Path.GetFileName(local.Backup.TrimEnd('/')) : named.Backup,
                    RecoverySeconds = result.Total.TotalSeconds,
                    Neo4jDowntimeSeconds = result.Neo4jDown?.Seconds,
                    Neo4jOffline = result.Neo4jDown?.Work,
                };
                return new CommandResult(RestoreReport.Write(
                    console, result, Json, TimeSpan.FromMinutes(handler.Options.Value.Objectives.RtoMinutes)), facts);
            },
            handler => Validate(handler.Source, to));
    }
}
