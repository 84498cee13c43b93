using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Postgres;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr.Operations.Drill;

/// <summary>A drill's PostgreSQL: a scratch server of the live image, the dump restored into it, every table counted.</summary>
public sealed class DrillPostgres(
    DockerCli docker, PostgresService postgres, PostgresIncoming incoming, DrillPointInTime pointInTime, ScriptRunner scripts,
        IOptions<SummitDrOptions> options, TimeProvider time)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public async Task RunAsync(
        DrillScratch scratch, OpenedBackup opened, string image, DrillChecks checks, RecoveryPlan? plan,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var recorded = opened.Manifest?.Postgres;
        var database = recorded?.Database ?? settings.Postgres.Database;
        var live = await docker.InspectAsync(settings.Postgres.Container, cancellationToken);
        var user = live?.Environment.GetValueOrDefault("POSTGRES_USER") ?? settings.Postgres.User;
        var environment = new Dictionary<string, string>
        {
            ["POSTGRES_USER"] = user,
            ["POSTGRES_DB"] = database,
            ["POSTGRES_PASSWORD"] = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
        };
        if (plan is not null)
        {
            await pointInTime.RunAsync(scratch, plan, image, environment, checks, cancellationToken);
            return;
        }

        var container = await scratch.RunAsync("postgres", image, environment, start: true, cancellationToken);
        await WaitUntilReadyAsync(container.Name, user, database, cancellationToken);
        // The dump, read once into the scratch server's own volume and checked on the way, is what pg_restore reads.
        var dump = PostgresIncoming.For(container, await incoming.OwnerAsync(container, cancellationToken));
        await scripts.RunAsync(incoming.Copy(dump, opened), cancellationToken);
        try
        {
            await scripts.RunAsync(postgres.RestoreInto(dump, database), cancellationToken);
        }
        catch (OperationFailedException ex)
        {
            throw new IntegrityException($"postgres.dump does not restore: {ex.Message}", ex);
        }
        finally
        {
            await incoming.RemoveAsync(dump);
        }

        var rows = await postgres.ExactRowCountsAsync(container.Name, database, cancellationToken);
        Compare(recorded, rows, checks);
        if (settings.Drill.Sql is { Length: > 0 } sql)
        {
            var returned = await postgres.SmokeQueryAsync(container.Name, database, sql, cancellationToken);
            checks.Add("postgres smoke query", returned > 0, $"Drill:Sql returned {returned} row(s)");
        }
    }

    private static void Compare(PostgresComponent? recorded, IReadOnlyDictionary<string, long> rows, DrillChecks checks)
    {
        checks.Add(recorded?.TableCount is { } tables
            ? new("postgres tables", rows.Count == tables, $"{rows.Count} tables restored, the manifest records {tables}")
            : new("postgres tables", rows.Count > 0, $"{rows.Count} tables restored"));
        if (recorded?.RowCounts is { } expected)
        {
            foreach (var (table, count) in expected)
            {
                var found = rows.GetValueOrDefault(table, -1);
                checks.Add("postgres rows " + table, found == count, found < 0
                    ? $"table {table} is missing from the restored database (the manifest records {count} rows)"
                    : $"table {table}: {found} rows restored, the manifest records {count}");
            }

            foreach (var extra in rows.Keys.Where(t => !expected.ContainsKey(t)))
            {
                checks.Add("postgres rows " + extra, false, $"table {extra} was restored but the manifest does not record it");
            }
        }
        else if (recorded is not null)
        {
            checks.Add("postgres rows", true, "the manifest records no exact row counts (made by an older summit-dr): only the table " +
                "count is compared");
        }
    }

    /// <summary>
    /// Until the image's entrypoint has handed over to the server for good. The official image first runs a
    /// temporary server for its initialisation that listens on no TCP address, then the final one that does:
    /// a TCP connection to 127.0.0.1 inside the container reaches only the final server, whatever runs as PID 1
    /// (tini, dumb-init or s6 in a derived image).
    /// </summary>
    private async Task WaitUntilReadyAsync(string container, string user, string database, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(options.Value.Drill.ReadyTimeoutSeconds);
        ProcessResult? last = null;
        await Poll.UntilAsync(time, PollInterval, timeout, async token =>
        {
            last = await docker.RunAsync(postgres.Exec(container, ["pg_isready", "-h", "127.0.0.1", "-U", user, "-d", database]), token);
            return (last.Succeeded, true);
        }, () => new OperationFailedException(
            $"The scratch PostgreSQL '{container}' did not accept TCP connections on 127.0.0.1 within {timeout.TotalSeconds:0} s " +
                $"({last?.ErrorSummary}). Read `{docker.CommandName} logs {container}` (run the drill with --keep to inspect it)."),
            cancellationToken);
    }
}
