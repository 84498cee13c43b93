namespace Summit.Dr.Configuration;

public sealed class PostgresOptions
{
    public string Container { get; set; } = "postgres";
    public string Database { get; set; } = "intelgraph_dev";
    public string User { get; set; } = "intelgraph";

    /// <summary>Only needed when the container's local socket is not trusted; sent as PGPASSWORD.</summary>
    public string? Password { get; set; }
}
