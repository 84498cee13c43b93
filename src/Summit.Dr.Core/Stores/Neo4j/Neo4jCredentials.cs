namespace Summit.Dr.Stores.Neo4j;

/// <summary>How cypher-shell authenticates. The password reaches the container only through the environment.</summary>
public sealed record Neo4jCredentials(string User, string? Password)
{
    public static readonly IReadOnlyList<string> EnvironmentNames = ["NEO4J_USERNAME", "NEO4J_PASSWORD"];

    public IReadOnlyDictionary<string, string> Environment => Password is null
        ? new Dictionary<string, string> { ["NEO4J_USERNAME"] = User }
        : new Dictionary<string, string> { ["NEO4J_USERNAME"] = User, ["NEO4J_PASSWORD"] = Password };

    /// <summary>Keeps the password out of logs and exception messages by accident.</summary>
    public override string ToString() => $"Neo4jCredentials {{ User = {User}, Password = {(Password is null ? "none" : "***")} }}";
}
