namespace Summit.Dr.Configuration;

/// <summary>The tool's settings, bound from defaults, summit-dr.json, SUMMIT_DR_ variables and options.</summary>
public sealed class SummitDrOptions
{
    public DockerOptions Docker { get; set; } = new();
    public PostgresOptions Postgres { get; set; } = new();
    public Neo4jOptions Neo4j { get; set; } = new();
    public UploadsOptions Uploads { get; set; } = new();
    public BackupOptions Backup { get; set; } = new();
    public DrillOptions Drill { get; set; } = new();
    public EncryptionOptions Encryption { get; set; } = new();
    public SigningOptions Signing { get; set; } = new();
    public RemoteOptions Remote { get; set; } = new();
    public MetricsOptions Metrics { get; set; } = new();
    public NotifyOptions Notify { get; set; } = new();
    public PitrOptions Pitr { get; set; } = new();
    public ObjectivesOptions Objectives { get; set; } = new();
}
