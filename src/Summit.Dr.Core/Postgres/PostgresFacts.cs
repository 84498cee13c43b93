namespace Summit.Dr.Postgres;

/// <summary>What the backup records about the database, for restore and drill to check against later.</summary>
public sealed record PostgresFacts(string ServerVersion, int TableCount, IReadOnlyDictionary<string, long> RowEstimates);
