namespace Summit.Dr.Stores.Neo4j;

/// <summary>Which `neo4j-admin` command line the server's image speaks.</summary>
public enum Neo4jAdminSyntax
{
    /// <summary>5.x: `neo4j-admin database dump|load`.</summary>
    V5,

    /// <summary>4.4: `neo4j-admin dump|load --database=`.</summary>
    V44,
}
