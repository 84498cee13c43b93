namespace Summit.Dr.Configuration;

public sealed class Neo4jOptions
{
    public string Container { get; set; } = "neo4j";
    public string Database { get; set; } = "neo4j";
    public string User { get; set; } = "neo4j";

    /// <summary>When unset, taken from NEO4J_AUTH in the container's environment.</summary>
    public string? Password { get; set; }

    /// <summary>`docker stop` timeout: long enough for a clean shutdown, since a killed Neo4j refuses to be dumped.</summary>
    public int StopTimeoutSeconds { get; set; } = 120;

    /// <summary>How long to wait for Neo4j to answer after it is started again.</summary>
    public int StartTimeoutSeconds { get; set; } = 180;

    /// <summary>`auto` (from the image), `5` or `4.4`.</summary>
    public string AdminSyntax { get; set; } = "auto";

    /// <summary>`auto`, `bind-mount` or `stream`: how the dump reaches the backup directory.</summary>
    public Neo4jDumpTransfer DumpTransfer { get; set; }

    /// <summary>`auto`, `always` or `never`: Neo4j down only for a copy or a rename.</summary>
    public Neo4jSnapshot Snapshot { get; set; }
}
