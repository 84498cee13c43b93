namespace Summit.Dr.Configuration;

/// <summary>The runbook's names, as the lowest configuration layer (so `doctor` can tell where a value came from).</summary>
public static class SummitDrDefaults
{
    public const string FileName = "summit-dr.json";
    public const string EnvironmentPrefix = "SUMMIT_DR_";

    public static IReadOnlyDictionary<string, string?> Values { get; } = new Dictionary<string, string?>
    {
        ["Docker:Path"] = "docker",
        ["Postgres:Container"] = "postgres",
        ["Postgres:Database"] = "intelgraph_dev",
        ["Postgres:User"] = "intelgraph",
        ["Neo4j:Container"] = "neo4j",
        ["Neo4j:Database"] = "neo4j",
        ["Neo4j:User"] = "neo4j",
        ["Neo4j:StopTimeoutSeconds"] = "120",
        ["Neo4j:StartTimeoutSeconds"] = "180",
        ["Neo4j:AdminSyntax"] = "auto",
        ["Neo4j:DumpTransfer"] = "auto",
        ["Neo4j:Snapshot"] = "auto",
        ["Uploads:Path"] = "server/uploads",
        ["Backup:Root"] = "backups",
        ["Drill:ReadyTimeoutSeconds"] = "180",
    };
}
