namespace Summit.Dr.Model;

/// <summary>The Neo4j store and transaction logs a restore replaced, moved to <see cref="Kept"/> in the same volume.</summary>
/// <param name="Kept">A directory under /data/summit-dr-kept, outside /data/databases.</param>
/// <param name="Moved">The old store is under <see cref="Kept"/>; what is in place is the restored one (or a partial load).</param>
public sealed record KeptNeo4j(string Container, string Database, string Kept, bool Moved);
