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
public sealed class PitrRecovery(DockerCli docker, WalServer server, IOptions<SummitDrOptions> options, TimeProvider time, ILogger<PitrRecovery> logger)
{
    private const string ReplayedQuery = "SELECT 'replayed', COALESCE(extract(epoch FROM pg_last_xact_replay_timestamp())::text, '')";

    private static readonly string[] Settings = ["restore_command", "recovery_target_time", "recovery_target_action", "recovery_target_timeline"];

    public StepPlan RecoverPlan(string container) => StepPlan.Of(
        docker.Spec(DockerArgs.Start(container)),
        new PlannedCommand(server.Sql(container, "SELECT pg_is_in_recovery()")) { Repeats = true, Note = "until recovery has ended and the server promoted" },
        new PlannedCommand(server.Sql(container, ReplayedQuery)) { Note = "the last transaction replayed must be the last one that ended at or before the target" });

    public StepPlan ResetPlan(string container) => StepPlan.Of(ResetSpec(container));

    /// <summary>Starts the container and waits until recovery has ended; a server that stops instead has failed its recovery.</summary>
    public async Task<DateTimeOffset?> RecoverAsync(string container, WalReading expected, CancellationToken cancellationToken)
    {
        var started = await docker.RunAsync(docker.Spec(DockerArgs.Start(container)), cancellationToken);
        if (!started.Succeeded)
        {
            throw new OperationFailedException($"Could not start '{container}' to recover: {started.ErrorSummary}");
        }

        var timeout = TimeSpan.FromSeconds(options.Value.Pitr.RecoveryTimeoutSeconds);
        await Poll.UntilAsync(time, TimeSpan.FromMilliseconds(250), timeout, async token =>
        {
            if (await docker.InspectAsync(container, token) is not { Running: true })
            {
                var logs = await docker.RunAsync(docker.Spec(["logs", "--tail", "4", container]), token);
                var lines = string.Join(" | ", (logs.StandardError + "\n" + logs.StandardOutput).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(4));
                throw new OperationFailedException($"PostgreSQL stopped during its recovery ({lines})");
            }

            var answer = await docker.RunAsync(server.Sql(container, "SELECT pg_is_in_recovery()"), token);
            return (answer.Succeeded && answer.StandardOutput.Trim() == "f", true);
        }, () => new OperationFailedException($"PostgreSQL in '{container}' had not finished its recovery after {timeout.TotalSeconds:0} s (Pitr:RecoveryTimeoutSeconds)"), cancellationToken);

        var replayed = (await server.QueryAsync(container, ReplayedQuery, "read the last replayed transaction", cancellationToken))
            .Select(l => l.Split('\t')).Single(f => f[0] == "replayed")[1];
        DateTimeOffset? last = replayed.Length == 0 ? null : DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(decimal.Parse(replayed, CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond));
        if (last != expected.LastBefore)
        {
            throw new OperationFailedException(
                $"PostgreSQL's recovery ended at the transaction of {Describe(last)}, where the archive's last one at or before the target ended at {Describe(expected.LastBefore)}");
        }

        logger.LogInformation("PostgreSQL recovered to its last transaction at or before the target: {Last}", Describe(last));
        return last;
    }

    /// <summary>The recovery settings removed (they are read only at a start with recovery.signal, which promotion removed).</summary>
    public async Task ResetAsync(string container, CancellationToken cancellationToken)
    {
        var result = await docker.RunAsync(ResetSpec(container), cancellationToken);
        if (!result.Succeeded)
        {
            throw new OperationFailedException($"Could not reset the recovery settings of '{container}': {result.ErrorSummary}. Run `ALTER SYSTEM RESET {string.Join("; ALTER SYSTEM RESET ", Settings)}` in it.");
        }
    }

    private ProcessSpec ResetSpec(string container) =>
        server.Statements(container, [.. Settings.Select(s => $"ALTER SYSTEM RESET {s}"), "SELECT pg_reload_conf()"]);

    private static string Describe(DateTimeOffset? time) =>
        time is { } t ? t.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff zzz", CultureInfo.InvariantCulture) : "none (no transaction replayed)";
}
