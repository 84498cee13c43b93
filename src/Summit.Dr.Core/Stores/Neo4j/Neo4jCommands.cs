namespace Summit.Dr.Stores.Neo4j;

/// <summary>The in-container command lines for neo4j-admin and cypher-shell, in both syntaxes.</summary>
public static class Neo4jCommands
{
    public const string Admin = "neo4j-admin";

    /// <summary>neo4j-admin writes `DIRECTORY/DATABASE.dump` itself, as the runbook's `--to-path` does.</summary>
    public static IReadOnlyList<string> DumpToPath(string database, Neo4jAdminSyntax syntax, string directory) => syntax switch
    {
        Neo4jAdminSyntax.V5 => [Admin, "database", "dump", database, $"--to-path={directory}"],
        _ => [Admin, "dump", $"--database={database}", $"--to={directory}/{database}.dump"],
    };

    public static IReadOnlyList<string> DumpToStdout(string database, Neo4jAdminSyntax syntax) => syntax switch
    {
        Neo4jAdminSyntax.V5 => [Admin, "database", "dump", database, "--to-stdout"],
        _ => [Admin, "dump", $"--database={database}", "--to=-"],
    };

    /// <summary>Loads DIRECTORY/DATABASE.dump over the database.</summary>
    public static IReadOnlyList<string> LoadFromPath(string database, Neo4jAdminSyntax syntax, string directory) => syntax switch
    {
        Neo4jAdminSyntax.V5 => [Admin, "database", "load", database, $"--from-path={directory}", "--overwrite-destination=true"],
        _ => [Admin, "load", $"--from={directory}/{database}.dump", $"--database={database}", "--force"],
    };

    /// <summary>Reads DIRECTORY/DATABASE.dump without loading it; 4.4 has no such command.</summary>
    public static IReadOnlyList<string>? InfoFromPath(string database, Neo4jAdminSyntax syntax, string directory) => syntax switch
    {
        Neo4jAdminSyntax.V5 => [Admin, "database", "load", database, $"--from-path={directory}", "--info"],
        _ => null,
    };

    /// <summary>Reads a dump without loading it; 4.4 has no such command.</summary>
    public static IReadOnlyList<string>? InfoFromStdin(string database, Neo4jAdminSyntax syntax) => syntax switch
    {
        Neo4jAdminSyntax.V5 => [Admin, "database", "load", database, "--from-stdin", "--info"],
        _ => null,
    };

    public static IReadOnlyList<string> Cypher(string query) => ["cypher-shell", "--format", "plain", query];

    public const string CountNodes = "MATCH (n) RETURN count(n)";

    public const string CountRelationships = "MATCH ()-[r]->() RETURN count(r)";

    /// <summary>
    /// Nodes and relationships in one cypher-shell start (on the real image each start is a JVM): two subqueries, each of
    /// which Neo4j answers from its count store as it answers the two queries alone (`CALL { }` is Neo4j 4.0 and later).
    /// The plain format answers `nodes, relationships`, then `N, M`.
    /// </summary>
    public const string CountNodesAndRelationships = "CALL { MATCH (n) RETURN count(n) AS nodes } CALL { MATCH ()-[r]->() RETURN " +
        "count(r) AS relationships } RETURN nodes, relationships";
}
