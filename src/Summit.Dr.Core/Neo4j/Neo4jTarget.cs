using Summit.Dr.Docker;

namespace Summit.Dr.Neo4j;

/// <summary>The Neo4j server as found: its container, version, admin syntax and how to talk to it.</summary>
public sealed record Neo4jTarget(
    ContainerInfo Container,
    string Database,
    string? Version,
    Neo4jAdminSyntax Syntax,
    Neo4jCredentials Credentials);
