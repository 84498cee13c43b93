namespace Summit.Dr.Configuration;

/// <summary>What `summit-dr drill` runs beside the proof against the manifest, and the images it falls back on.</summary>
public sealed class DrillOptions
{
    /// <summary>A smoke query run in the scratch PostgreSQL; it must return at least one row.</summary>
    public string? Sql { get; set; }

    /// <summary>A smoke query run in the scratch Neo4j; it must return at least one row.</summary>
    public string? Cypher { get; set; }

    /// <summary>The PostgreSQL image when the live container is gone and the manifest names none.</summary>
    public string? PostgresImage { get; set; }

    /// <summary>The Neo4j image when the live container is gone and the manifest names none.</summary>
    public string? Neo4jImage { get; set; }

    /// <summary>How long a scratch server may take to accept connections.</summary>
    public int ReadyTimeoutSeconds { get; set; } = 180;
}
