using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;


namespace Summit.Dr.Stores.Neo4j;

/// <summary>The Neo4j server as found: its container, version, admin syntax and how to talk to it.</summary>
public sealed record Neo4jTarget(
    ContainerInfo Container,
    string Database,
    string? Version,
    Neo4jAdminSyntax Syntax,
    Neo4jCredentials Credentials)
{
    /// <summary>For a dry run: the configured server, with what only docker could tell shown as placeholders.</summary>
    public static Neo4jTarget Planned(Neo4jOptions options) => new(
        new ContainerInfo(
            options.Container, options.Container, $"<image of {options.Container}>", true, "running", new Dictionary<string, string>(),
            new Dictionary<string, string>()),
        options.Database,
        null,
        Neo4jVersions.SyntaxFor(null, options.AdminSyntax),
        new Neo4jCredentials(options.User, null));
}
