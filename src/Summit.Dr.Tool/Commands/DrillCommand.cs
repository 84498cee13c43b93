using McMaster.Extensions.CommandLineUtils;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Reporting;
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
public sealed class DrillCommand : BackupChoiceCommand
{
    [Option("--keep", Description = "Leave the scratch containers, volumes and directory for inspection (prints how to reach and remove " +
        "them).")]
    public bool Keep { get; set; }

    public int OnExecute()
    {
        var to = Choose("drill");
        return OperationHost.Run<DrillHandler>(
            Parent.ToGlobalOptions(),
            new CommandRun("drill", Json) { AllowUnsigned = AllowUnsigned, Discover = true, Report = true },
            async (handler, console, cancellationToken) =>
            {
                var backup = await LocalAsync(handler.Source, cancellationToken);
                var result = await handler.Drill.RunAsync(backup, Keep, to, cancellationToken);
                var facts = new RunFacts { Backup = Path.GetFileName(result.Backup.TrimEnd('/')),
                    RecoverySeconds = result.Total.TotalSeconds };
                return new CommandResult(DrillReport.Write(
                    console, result, Json, TimeSpan.FromMinutes(handler.Options.Value.Objectives.RtoMinutes),
                    DockerCli.CommandNameOf(handler.Options.Value.Docker.Path)), facts);
            },
            handler => Validate(handler.Source, to));
    }
}
