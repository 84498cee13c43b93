namespace Summit.Dr.Stores.Neo4j;

/// <summary>
/// A scratch data directory in Neo4j's volume (`/data/summit-dr-scratch-KIND-ID`), laid out as /data is, and
/// the configuration that points neo4j-admin at it instead of /data: `--additional-config` naming
/// `server.directories.data` (5.x), or `NEO4J_CONF` naming a directory whose neo4j.conf sets
/// `dbms.directories.data` (4.4, whose dump and load take no `--additional-config`). The configuration lives
/// in the workbench's own filesystem, so it goes with the workbench.
/// </summary>
public sealed record Neo4jDataDirectory(string Path, string Database, Neo4jAdminSyntax Syntax)
{
    /// <summary>Every scratch directory starts so: a run that dies leaves nothing under another name.</summary>
    public const string Prefix = "/data/summit-dr-scratch-";

    public static Neo4jDataDirectory For(string kind, string id, string database, Neo4jAdminSyntax syntax) =>
        new($"{Prefix}{kind}-{id}", database, syntax);

    public Neo4jStoreLayout Layout => Neo4jStoreLayout.Under(Path, Database);

    /// <summary>Where the workbench keeps the configuration (a directory of its own filesystem).</summary>
    public string ConfigDirectory => "/tmp/summit-dr-" + System.IO.Path.GetFileName(Path);

    public string ConfigFile => ConfigDirectory + "/neo4j.conf";

    /// <summary>The one setting the configuration holds.</summary>
    public string Setting => (Syntax == Neo4jAdminSyntax.V5 ? "server.directories.data=" : "dbms.directories.data=") + Path + "\n";

    /// <summary>A neo4j-admin command that reads and writes here instead of /data.</summary>
    public IReadOnlyList<string> Apply(IReadOnlyList<string> command) => Syntax == Neo4jAdminSyntax.V5
        ? [.. command, $"--additional-config={ConfigFile}"]
        : ["env", $"NEO4J_CONF={ConfigDirectory}", .. command];
}
