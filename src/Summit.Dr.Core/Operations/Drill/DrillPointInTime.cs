using Summit.Dr.Engine.Docker;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Postgres;
using Summit.Dr.Stores.Wal;


namespace Summit.Dr.Operations.Drill;

/// <summary>
/// `drill --to`: a restore to a point in time rehearsed in a scratch PostgreSQL of the live image. The base
/// backup is proved and laid into the scratch server's fresh volume with the WAL, the server recovers to the
/// target and promotes; the proof is that recovery reached exactly the last transaction that ended at or before
/// the target (by pg_waldump, in the archive) and that every table opens; its row counts are reported.
/// </summary>
public sealed class DrillPointInTime(
    DockerCli docker, PitrPreparation preparation, PitrRecovery recovery, PostgresService postgres, StepRunner steps)
{
    public async Task RunAsync(
        DrillScratch scratch, RecoveryPlan plan, string image, IReadOnlyDictionary<string, string> environment, DrillChecks checks,
        CancellationToken cancellationToken)
    {
        var container = await scratch.RunAsync("postgres", image, environment, start: false, cancellationToken);
        await using (
            var bench = await steps.RunAsync(
                "scratch workbench", set =>
                    PostgresWorkbench.Start(docker, container, set), PostgresWorkbench.Planned(docker, container), cancellationToken))
        {
            // The WAL and the base backup staged in the scratch server's volume, each checked on its way there, as a restore does.
            await preparation.StageAsync(bench, plan, cancellationToken);
            var reading = await preparation.ReadWalAsync(bench, plan, cancellationToken);
            await steps.RunAsync("lay base backup", () => BaseLayer.Lay(bench, BaseLayer.Settings(plan, reading)), cancellationToken);
            var last = await steps.RunAsync<DateTimeOffset?>(
                "recover postgres", set => recovery.Recover(container.Name, reading, set), planned: null, cancellationToken);
            checks.Add("postgres point in time", true, last is { } l
                ? $"recovered to {plan.Target.ToLocalTime():yyyy-MM-dd HH:mm:ss}: its last transaction ended at " +
                    $"{l.ToLocalTime():HH:mm:ss.ffffff}, the archive's last one at or before the target"
                : $"recovered to {plan.Target.ToLocalTime():yyyy-MM-dd HH:mm:ss}: no transaction ended between the base backup and the " +
                    $"target");
        }

        var rows = await postgres.ExactRowCountsAsync(container.Name, postgres.Database, cancellationToken);
        checks.Add("postgres tables", rows.Count > 0, $"{rows.Count} tables open at {plan.Target.ToLocalTime():HH:mm:ss}");
        foreach (var (table, count) in rows)
        {
            checks.Add("postgres rows " + table, true, $"table {table}: {count} rows at the target");
        }
    }
}
