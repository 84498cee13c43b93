namespace Summit.Dr.Stores.Neo4j;

/// <summary>Where one database's files are in Neo4j's /data volume: its store and its transaction logs.</summary>
public sealed record Neo4jStoreLayout(string Store, string Transactions)
{
    /// <summary>Stores kept aside are renamed to `/data/summit-dr-kept-ID-...`: outside /data/databases, and in a directory that always
    /// exists.</summary>
    public const string KeptPrefix = "/data/summit-dr-kept-";

    /// <summary>Where Neo4j reads the database from.</summary>
    public static Neo4jStoreLayout Live(string database) => new($"/data/databases/{database}", $"/data/transactions/{database}");

    /// <summary>The same database kept aside under the name <paramref name="kept"/> (for example /data/summit-dr-kept-ID).</summary>
    public static Neo4jStoreLayout Kept(string kept, string database) =>
        new($"{kept}-databases-{database}", $"{kept}-transactions-{database}");

    /// <summary>The same database under a scratch data directory (a snapshot or a staging store), laid out as /data is.</summary>
    public static Neo4jStoreLayout Under(string dataDirectory, string database) =>
        new($"{dataDirectory}/databases/{database}", $"{dataDirectory}/transactions/{database}");
}
