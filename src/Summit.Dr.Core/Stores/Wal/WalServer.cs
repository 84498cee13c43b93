using System.Globalization;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Postgres;

namespace Summit.Dr.Stores.Wal;

/// <summary>What the live PostgreSQL says about its WAL and the archiver's replication slot.</summary>
public sealed record WalServerState(
    bool RoleMayReplicate,
    string SystemIdentifier,
    uint Timeline,
    long SegmentSize,
    long MaxSlotWalKeepSizeMiB,
    ulong CurrentLsn,
    SlotState? Slot);

/// <summary>The archiver's slot: whether a client streams through it, how far it got, what the server still keeps for it.</summary>
/// <param name="WalStatus">`reserved`, `extended`, `unreserved` or `lost` (the server gave the slot's WAL up at its bound).</param>
/// <param name="SafeWalSize">How many more bytes may be written before the slot is lost; null without a bound.</param>
/// <param name="WriteLagSeconds">How long the server's last WAL took to reach the archiver's disk (pg_stat_replication.write_lag; 0 when
/// idle).</param>
public sealed record SlotState(
    bool Active, ulong? RestartLsn, string? WalStatus, long? SafeWalSize, ulong? WriteLsn, ulong? FlushLsn, double WriteLagSeconds = 0);

/// <summary>The live PostgreSQL's side of the WAL archive, through `docker exec psql` (its local socket).</summary>
public sealed class WalServer(PostgresService postgres, DockerCli docker)
{
    /// <summary>The replication slot the archiver streams through: WAL it has not received stays on the server, up to the bound.</summary>
    public const string SlotName = "summit_dr_wal";

    private const string StateQuery =
        "SELECT 'role', rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user; " +
        "SELECT 'system', system_identifier FROM pg_control_system(); " +
        "SELECT 'wal', substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8), pg_current_wal_lsn(), " +
        "(SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'), (SELECT setting FROM pg_settings WHERE name = " +
            "'max_slot_wal_keep_size'); " +
        "SELECT 'slot', s.active, s.restart_lsn, s.wal_status, s.safe_wal_size, r.write_lsn, r.flush_lsn, COALESCE(extract(epoch FROM " +
            "r.write_lag), 0) " +
        "FROM pg_replication_slots s LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid WHERE s.slot_name = '" + SlotName + "'";

    public ProcessSpec StateSpec(string container) => Sql(container, StateQuery);

    public async Task<WalServerState> StateAsync(string container, CancellationToken cancellationToken) =>
        ParseState(await QueryAsync(container, StateQuery, "read the WAL position and the archiver's slot", cancellationToken));

    /// <summary>What <see cref="StateSpec"/> answered.</summary>
    public static WalServerState ParseState(IReadOnlyList<string> lines)
    {
        var fields = lines.Select(l => l.Split('\t')).ToDictionary(f => f[0], f => f[1..]);
        var wal = fields["wal"];
        SlotState? slot = fields.TryGetValue("slot", out var s)
            ? new SlotState(
                s[0] == "t", Lsn(s[1]), Text(s[2]), Number(s[3]), Lsn(s[4]), Lsn(s[5]), double.Parse(s[6], CultureInfo.InvariantCulture))
            : null;
        return new WalServerState(
            fields.TryGetValue("role", out var role) && role[0] == "t",
            fields["system"][0],
            uint.Parse(wal[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            long.Parse(wal[2], CultureInfo.InvariantCulture),
            long.Parse(wal[3], CultureInfo.InvariantCulture),
            WalFileName.ParseLsn(wal[1]),
            slot);
    }

    /// <summary>The slot, reserving WAL from the last checkpoint on at once (pg_receivewal --create-slot would reserve nothing until it
    /// streams).</summary>
    public Script CreateSlot(string container) =>
        Required(Sql(container, $"SELECT pg_create_physical_replication_slot('{SlotName}', true)"), "create the replication " +
            "slot " + SlotName);

    public Script DropSlot(string container) =>
        Required(Sql(container, $"SELECT pg_drop_replication_slot('{SlotName}')"), "drop the replication slot " + SlotName);

    /// <summary>The bound on what any slot may hold back, set in postgresql.auto.conf and loaded without a restart.</summary>
    public Script Bound(string container, int mebibytes) =>
        Required(Statements(container, [$"ALTER SYSTEM SET max_slot_wal_keep_size = " +
            $"'{mebibytes}MB'", "SELECT pg_reload_conf()"]), "set max_slot_wal_keep_size");

    /// <summary>Statements run one by one (`-c` each: ALTER SYSTEM may not run inside a transaction block).</summary>
    public ProcessSpec Statements(string container, IEnumerable<string> statements) =>
        postgres.Exec(
            container, ["psql", "-U", postgres.User, "-d", postgres.Database, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v",
                "VERBOSITY=verbose", .. statements.SelectMany(s => new[] { "-c", s })]);

    /// <summary>One statement (or several, `;`-separated) in the platform's database; its rows, tab-separated.</summary>
    public ProcessSpec Sql(string container, string sql) =>
        postgres.Exec(
            container, ["psql", "-U", postgres.User, "-d", postgres.Database, "-X", "-A", "-t", "-q", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                "-v", "VERBOSITY=verbose", "-c", sql]);

    public async Task<IReadOnlyList<string>> QueryAsync(string container, string sql, string what, CancellationToken cancellationToken)
    {
        var result = await docker.RunAsync(Sql(container, sql), cancellationToken);
        return result.Succeeded
            ? result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            : throw Failure($"Could not {what} in container '{container}'", result);
    }

    private static Script Required(ProcessSpec spec, string what) => Script.Of(new RunCommand(spec, (result, _) =>
        result.Succeeded ? Task.CompletedTask : throw Failure($"Could not {what}", result)));

    private static PostgresException Failure(string what, ProcessResult result)
    {
        var error = PostgresError.Parse(result);
        return new PostgresException($"{what}: {error.Message}", error.SqlState);
    }

    private static ulong? Lsn(string text) => text.Length == 0 ? null : WalFileName.ParseLsn(text);

    private static string? Text(string text) => text.Length == 0 ? null : text;

    private static long? Number(string text) => text.Length == 0 ? null : long.Parse(text, CultureInfo.InvariantCulture);
}
