using System.Text.RegularExpressions;

namespace Summit.Dr.Stores.Neo4j;

/// <summary>Reads the server version from what the image declares, and picks the admin syntax from it.</summary>
public static partial class Neo4jVersions
{
    /// <summary>The version the image declares: NEO4J_TARBALL or NEO4J_VERSION, else the image tag.</summary>
    public static string? FromImage(string image, IReadOnlyDictionary<string, string> environment)
    {
        if (environment.TryGetValue("NEO4J_TARBALL", out var tarball) && TarballVersion().Match(tarball) is { Success: true } t)
        {
            return t.Groups[1].Value;
        }

        if (environment.TryGetValue("NEO4J_VERSION", out var declared) && VersionText().Match(declared) is { Success: true } d)
        {
            return d.Value;
        }

        var tag = image.Contains(':', StringComparison.Ordinal) ? image[(image.LastIndexOf(':') + 1)..] : string.Empty;
        return VersionText().Match(tag) is { Success: true } m ? m.Value : null;
    }

    /// <summary>`5`/`4.4` from configuration win; `auto` follows the version, and 5.x when it is unknown.</summary>
    public static Neo4jAdminSyntax SyntaxFor(string? version, string configured) => configured.Trim().ToLowerInvariant() switch
    {
        "5" or "5.x" => Neo4jAdminSyntax.V5,
        "4" or "4.4" or "4.x" => Neo4jAdminSyntax.V44,
        _ when version is not null && version.StartsWith("4.", StringComparison.Ordinal) => Neo4jAdminSyntax.V44,
        _ => Neo4jAdminSyntax.V5,
    };

    [GeneratedRegex(@"neo4j-(?:community|enterprise)-(\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex TarballVersion();

    [GeneratedRegex(@"^\d+\.\d+(?:\.\d+)?")]
    private static partial Regex VersionText();
}
