namespace Summit.Dr.Testing;

/// <summary>Paths in the repository and the images under test (overridable to run against real images).</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string PostgresImage { get; } = Environment.GetEnvironmentVariable("SUMMIT_DR_TEST_POSTGRES_IMAGE")
        ?? "summit-dr-fixture/postgres:test";

    public static string Neo4jImage { get; } = Environment.GetEnvironmentVariable("SUMMIT_DR_TEST_NEO4J_IMAGE")
        ?? "summit-dr-fixture/neo4j:test";

    /// <summary>Neo4j 4.4: the stand-in's 4.4 variant, or a real 4.4 image.</summary>
    public static string Neo4j44Image { get; } = Environment.GetEnvironmentVariable("SUMMIT_DR_TEST_NEO4J44_IMAGE")
        ?? "summit-dr-fixture/neo4j:4.4-test";

    public static bool UsesFixtureImages => PostgresImage.StartsWith("summit-dr-fixture/", StringComparison.Ordinal)
        || Neo4jImage.StartsWith("summit-dr-fixture/", StringComparison.Ordinal);

    /// <summary>The tool as built next to these tests; run with `dotnet`, as a separate process.</summary>
    public static string ToolDll => Path.Combine(AppContext.BaseDirectory, "summit-dr.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Summit.Dr.Tool.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Summit.Dr.Tool.sln) above " + AppContext.BaseDirectory);
    }
}
