namespace Summit.Dr.Stores.Postgres;

/// <summary>The in-container command lines for PostgreSQL's client tools.</summary>
public static class PostgresCommands
{
    public static readonly IReadOnlyList<string> PasswordEnvironment = ["PGPASSWORD"];

    /// <summary>
    /// Custom format, the form `pg_restore --list` can read back, compressed at gzip level 1: measured on the
    /// benchmark's 100 MB database, level 1 dumps in 0.40 s (12.9 MB) where the default level 6 takes 0.86 s
    /// (12.0 MB) and no compression 0.58 s (53 MB, more bytes through the docker CLI). pg_dump shares the two
    /// cores with the uploads archive before Neo4j is stopped, so its CPU time is the backup's time.
    /// </summary>
    public static IReadOnlyList<string> Dump(string user, string database) =>
        ["pg_dump", "-U", user, "-d", database, "-Fc", "-Z", "1"];

    public static IReadOnlyList<string> ListArchive() => ["pg_restore", "--list"];

    /// <summary>
    /// Reads every block of the archive (the SQL goes nowhere). `--list` reads only the table of contents at
    /// the front, so a truncated or damaged data section passes it.
    /// </summary>
    public static IReadOnlyList<string> ReadWholeArchive() => ["pg_restore", "--file=/dev/null"];

    /// <summary>Ends every connection and drops the database (PostgreSQL 13+ `--force`).</summary>
    public static IReadOnlyList<string> DropDatabase(string user, string database) =>
        ["dropdb", "-U", user, "--force", "--if-exists", database];

    /// <summary>
    /// Drops <paramref name="database"/> if it exists, ending its sessions (PostgreSQL 13+, as `dropdb --force`), and creates it
    /// afresh, owned by <paramref name="user"/>: one client start where dropdb and createdb were two. Each `-c` is a statement
    /// of its own (neither runs inside a transaction block).
    /// </summary>
    public static IReadOnlyList<string> RecreateDatabase(string user, string database) =>
    [
        "psql", "-U", user, "-d", MaintenanceFor(database), "-X", "-q", "-v", "ON_ERROR_STOP=1",
        "-c", $"DROP DATABASE IF EXISTS {Identifier(database)} WITH (FORCE)",
        "-c", $"CREATE DATABASE {Identifier(database)} OWNER {Identifier(user)}",
    ];

    /// <summary>
    /// One transaction, stopping at the first error, and everything owned by the configured user: no
    /// owner or privilege statements from the source server are replayed.
    /// </summary>
    /// <param name="jobs">1: one transaction; more: `-j`, tables and indexes side by side (a transaction each).</param>
    public static IReadOnlyList<string> Restore(string user, string database, string file, int jobs = 1) =>
    [
        "pg_restore", "-U", user, "-d", database, "--no-owner", "--no-privileges", "--exit-on-error",
        .. jobs > 1 ? new[] { "-j", jobs.ToString(System.Globalization.CultureInfo.InvariantCulture) } : ["--single-transaction"], file,
    ];

    /// <summary>`pg_restore --list` of a dump file in the container.</summary>
    public static IReadOnlyList<string> ListArchive(string file) => ["pg_restore", "--list", file];

    /// <summary>Every block of a dump file in the container read, the SQL going nowhere (<see cref="ReadWholeArchive()"/>).</summary>
    public static IReadOnlyList<string> ReadWholeArchive(string file) => ["pg_restore", "--file=/dev/null", file];

    /// <summary>The server version, the database's size in bytes, then one `schema.table<TAB>estimated rows` line per user table.</summary>
    public static IReadOnlyList<string> Facts(string user, string database) =>
    [
        "psql", "-U", user, "-d", database, "-X", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
        "-c", "SHOW server_version",
        "-c", "SELECT pg_database_size(current_database())",
        "-c", TablesQuery,
    ];

    /// <summary>
    /// Gives each database in <paramref name="renames"/> its new name in one transaction, after refusing new
    /// connections to them and ending the sessions they have (a database with sessions cannot be renamed).
    /// Run connected to <paramref name="maintenance"/>, a database that is not being renamed.
    /// </summary>
    public static IReadOnlyList<string> Rename(string user, string maintenance, IReadOnlyList<(string From, string To)> renames)
    {
        // VERBOSITY=verbose: an error carries its SQLSTATE, so a caller decides from the code, not the English.
        var args = new List<string> { "psql", "-U", user, "-d", maintenance, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v",
            "VERBOSITY=verbose" };
        foreach (var (from, _) in renames)
        {
            args.AddRange(["-c", $"ALTER DATABASE {Identifier(from)} ALLOW_CONNECTIONS false"]);
            args.AddRange(["-c", EndSessions(from)]);
        }

        args.AddRange(["-c", "BEGIN; " + string.Concat(renames.Select(r => $"ALTER DATABASE {Identifier(r.From)} RENAME TO " +
            $"{Identifier(r.To)}; ")) + "COMMIT;"]);
        foreach (var (_, to) in renames)
        {
            args.AddRange(["-c", $"ALTER DATABASE {Identifier(to)} ALLOW_CONNECTIONS true"]);
        }

        return args;
    }

    /// <summary>Lets a database take connections again (after a rename that failed half way).</summary>
    public static IReadOnlyList<string> AllowConnections(string user, string maintenance, IEnumerable<string> databases) =>
        ["psql", "-U", user, "-d", maintenance, "-X", "-q", .. databases.SelectMany(d => new[] { "-c", $"ALTER DATABASE {Identifier(d)} " +
            $"ALLOW_CONNECTIONS true" })];

    /// <summary>The databases of the server, one per line.</summary>
    public static IReadOnlyList<string> ListDatabases(string user, string maintenance) =>
        ["psql", "-U", user, "-d", maintenance, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", "SELECT datname FROM pg_database ORDER " +
            "BY 1"];

    /// <summary>Sizes in bytes of the named databases that exist, as `name<TAB>bytes` lines.</summary>
    public static IReadOnlyList<string> DatabaseSizes(string user, string maintenance, IEnumerable<string> databases) =>
    [
        "psql", "-U", user, "-d", maintenance, "-X", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
        "-c", "SELECT datname, pg_database_size(datname) FROM pg_database WHERE datname IN " +
            "(" + string.Join(", ", databases.Select(Literal)) + ")",
    ];

    /// <summary>A database to connect to for statements about another one: `postgres`, or `template1` when `postgres` is the one.</summary>
    public static string MaintenanceFor(params string[] databases) => databases.Contains("postgres") ? "template1" : "postgres";

    /// <summary>A double-quoted SQL identifier: any name, exactly as given.</summary>
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A single-quoted SQL string literal.</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Ends the database's sessions and waits (up to 10 s) until they are gone.</summary>
    private static string EndSessions(string database) =>
        "DO $summit_dr$ BEGIN FOR i IN 1..200 LOOP " +
        $"PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = {Literal(database)} AND pid <> pg_backend_pid(); " +
        $"PERFORM pg_stat_clear_snapshot(); EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = {Literal(database)}); " +
        "PERFORM pg_sleep(0.05); END LOOP; END $summit_dr$";

    /// <summary>A psql session reading statements from standard input, one result line each, unaligned.</summary>
    public static IReadOnlyList<string> Session(string user, string database) =>
        ["psql", "-U", user, "-d", database, "-X", "-A", "-t", "-q", "-F", "\t", "-v", "ON_ERROR_STOP=1"];

    /// <summary>Opens a read-only repeatable-read transaction and exports its snapshot for pg_dump --snapshot.</summary>
    public const string ExportSnapshot = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\nSELECT 'snapshot', pg_export_snapshot();\n";

    /// <summary>`pg_dump` as <see cref="Dump"/>, in a snapshot another session exported.</summary>
    public static IReadOnlyList<string> DumpInSnapshot(string user, string database, string snapshot) =>
        [.. Dump(user, database), "--snapshot=" + snapshot];

    /// <summary>Every user table's exact row count, as `rows<TAB>schema.table<TAB>count` lines, then a `counted` line.</summary>
    public const string CountRows = RowsQuery + ";\nSELECT 'counted';\n";

    private const string RowsQuery =
        "SELECT 'rows', n.nspname || '.' || c.relname, " +
        "(xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, " +
            "'')))[1]::text::bigint " +
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
        "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' " +
        "ORDER BY 2";

    /// <summary>Exact row counts of every user table, in one statement (a drill compares them with the manifest).</summary>
    public static IReadOnlyList<string> ExactRowCounts(string user, string database) =>
        ["psql", "-U", user, "-d", database, "-X", "-A", "-t", "-q", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", RowsQuery];

    private const string TablesQuery =
        "SELECT n.nspname || '.' || c.relname, GREATEST(c.reltuples::bigint, COALESCE(s.n_live_tup, 0), 0) " +
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid " +
        "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' " +
        "ORDER BY 1";
}
