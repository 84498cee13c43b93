namespace Summit.Dr.Stores.Postgres;

/// <summary>What the backup records about the database, for restore and drill to check against later.</summary>
/// <param name="DatabaseBytes">pg_database_size: an upper bound for the dump, for the free-space check and progress.</param>
public sealed record PostgresFacts(
    string ServerVersion, long DatabaseBytes, int TableCount, IReadOnlyDictionary<string, long> RowEstimates);
