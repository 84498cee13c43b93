namespace Summit.Dr.Postgres;

/// <summary>The in-container command lines for PostgreSQL's client tools.</summary>
public static class PostgresCommands
{
    public static readonly IReadOnlyList<string> PasswordEnvironment = ["PGPASSWORD"];

    /// <summary>Custom format: compressed, and the form `pg_restore --list` can read back.</summary>
    public static IReadOnlyList<string> Dump(string user, string database) =>
        ["pg_dump", "-U", user, "-d", database, "-Fc"];

    public static IReadOnlyList<string> ListArchive() => ["pg_restore", "--list"];

    /// <summary>
    /// Reads every block of the archive (the SQL goes nowhere). `--list` reads only the table of contents at
    /// the front, so a truncated or damaged data section passes it.
    /// </summary>
    public static IReadOnlyList<string> ReadWholeArchive() => ["pg_restore", "--file=/dev/null"];

    /// <summary>Ends every connection and drops the database (PostgreSQL 13+ `--force`).</summary>
    public static IReadOnlyList<string> DropDatabase(string user, string database) =>
        ["dropdb", "-U", user, "--force", "--if-exists", database];

    public static IReadOnlyList<string> CreateDatabase(string user, string database) =>
        ["createdb", "-U", user, "-O", user, database];

    /// <summary>
    /// One transaction, stopping at the first error, and everything owned by the configured user: no
    /// owner or privilege statements from the source server are replayed.
    /// </summary>
    public static IReadOnlyList<string> Restore(string user, string database) =>
        ["pg_restore", "-U", user, "-d", database, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"];

    /// <summary>The server version, the database's size in bytes, then one `schema.table<TAB>estimated rows` line per user table.</summary>
    public static IReadOnlyList<string> Facts(string user, string database) =>
    [
        "psql", "-U", user, "-d", database, "-X", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
        "-c", "SHOW server_version",
        "-c", "SELECT pg_database_size(current_database())",
        "-c", TablesQuery,
    ];

    private const string TablesQuery =
        "SELECT n.nspname || '.' || c.relname, GREATEST(c.reltuples::bigint, COALESCE(s.n_live_tup, 0), 0) " +
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid " +
        "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' " +
        "ORDER BY 1";
}
