using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Steps;

namespace Summit.Dr.Stores.Wal;

/// <summary>
/// PostgreSQL started on a laid base backup: it replays the staged WAL to the target, promotes, and is then
/// checked to have stopped exactly where pg_waldump said it must (its last replayed transaction is the last one
/// that ended at or before the target), and its recovery settings are reset.
/// </summary>
public sealed class PitrRecovery(DockerCli docker, WalServer server, IOptions<SummitDrOptions> options, ILogger<PitrRecovery> logger)
{
    private const string ReplayedQuery = "SELECT 'replayed', COALESCE(extract(epoch FROM pg_last_xact_replay_timestamp())::text, '')";

    private static readonly string[] Settings = ["restore_command", "recovery_target_time", "recovery_target_action",
        "recovery_target_timeline"];

    /// <summary>
    /// Starts the container and waits until recovery has ended (a server that stops instead has failed its recovery),
    /// then checks it stopped where <paramref name="expected"/> says; hands over its last replayed transaction's time.
    /// </summary>
    public Script Recover(string container, WalReading expected, Action<DateTimeOffset?> recovered)
    {
        var timeout = TimeSpan.FromSeconds(options.Value.Pitr.RecoveryTimeoutSeconds);
        return Script.Run(docker.Spec(DockerArgs.Start(container)), $"Could not start '{container}' to recover")
            .Then(new PollCommand(server.Sql(container, "SELECT pg_is_in_recovery()"), async (answer, context) =>
            {
                if (answer.Succeeded && answer.StandardOutput.Trim() == "f")
                {
                    return true;
                }

                if (await docker.InspectAsync(container, context.CancellationToken) is not { Running: true })
                {
                    var logs = await context.RunAsync(docker.Spec(["logs", "--tail", "4", container]));
                    var lines = string.Join(
                        " | ", (logs.StandardError + "\n" + logs.StandardOutput).Split(
                            '\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(4));
                    throw new OperationFailedException($"PostgreSQL stopped during its recovery ({lines})");
                }

                return false;
            }, TimeSpan.FromMilliseconds(250), timeout, () => new OperationFailedException($"PostgreSQL in '{container}' had not " +
                $"finished its recovery after {timeout.TotalSeconds:0} s (Pitr:RecoveryTimeoutSeconds)"))
            {
                Note = "until recovery has ended and the server promoted",
            })
            .Then(new RunCommand(server.Sql(container, ReplayedQuery), (result, _) =>
            {
                Judges.Check(result, $"Could not read the last replayed transaction in container '{container}'");
                var replayed = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).Single(
                    f => f[0] == "replayed")[1].Trim();
                DateTimeOffset? last = replayed.Length == 0 ? null
                    : DateTimeOffset.UnixEpoch.AddTicks(
                        (long)Math.Round(decimal.Parse(replayed, CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond));
                if (last != expected.LastBefore)
                {
                    throw new OperationFailedException(
                        $"PostgreSQL's recovery ended at the transaction of {Describe(last)}, where the archive's last one at or before " +
                            $"the target ended at {Describe(expected.LastBefore)}");
                }

                logger.LogInformation("PostgreSQL recovered to its last transaction at or before the target: {Last}", Describe(last));
                recovered(last);
                return Task.CompletedTask;
            })
            {
                Note = "the last transaction replayed must be the last one that ended at or before the target",
            });
    }

    /// <summary>The recovery settings removed (they are read only at a start with recovery.signal, which promotion removed).</summary>
    public Script Reset(string container) =>
        Script.Run(ResetSpec(container), $"Could not reset the recovery settings of '{container}'")
            .Failing(ex => ex is not OperationFailedException ? ex : new OperationFailedException($"{ex.Message}. Run `ALTER SYSTEM " +
                $"RESET {string.Join("; ALTER SYSTEM RESET ", Settings)}` in it.", ex));

    private ProcessSpec ResetSpec(string container) =>
        server.Statements(container, [.. Settings.Select(s => $"ALTER SYSTEM RESET {s}"), "SELECT pg_reload_conf()"]);

    private static string Describe(DateTimeOffset? time) =>
        time is { } t ? t.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff zzz", CultureInfo.InvariantCulture) : "none (no transaction " +
            "replayed)";
}
