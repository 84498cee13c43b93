namespace Summit.Dr.Stores.Neo4j;

/// <summary>
/// What only cypher-shell's English says: it exits 1 for every failure, so an authentication failure (which
/// proves the server is up) is told from a server that does not answer yet by its text. The one place for it;
/// a test feeds it the real text.
/// </summary>
public static class Neo4jText
{
    /// <summary>`The client is unauthorized due to authentication failure.`</summary>
    public static bool IsUnauthorized(string stderr) => stderr.Contains("unauthorized", StringComparison.OrdinalIgnoreCase);
}
