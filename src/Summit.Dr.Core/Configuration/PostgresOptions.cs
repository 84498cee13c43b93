namespace Summit.Dr.Configuration;

public sealed class PostgresOptions
{
    public string Container { get; set; } = "postgres";
    public string Database { get; set; } = "intelgraph_dev";
    public string User { get; set; } = "intelgraph";

    /// <summary>Only needed when the container's local socket is not trusted; sent as PGPASSWORD.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// pg_restore's jobs (`-j`) for a restore from a dump: 1 restores in one transaction; more load tables and build indexes
    /// side by side (the database restored into is one of summit-dr's own until the swap, so a failure still leaves nothing).
    /// </summary>
    public int RestoreJobs { get; set; } = 1;
}
