using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Stores.Neo4j;


namespace Summit.Dr.Tests.Neo4j;

[TestFixture]
[CancelAfter(10_000)]
public sealed class Neo4jVersionsTests
{
    [TestCase("neo4j:5.24.0-community", "NEO4J_TARBALL", "neo4j-community-5.24.0-unix.tar.gz", "5.24.0")]
    [TestCase("neo4j:4.4", "NEO4J_TARBALL", "neo4j-enterprise-4.4.30-unix.tar.gz", "4.4.30")]
    [TestCase("neo4j:4.4.12", "", "", "4.4.12")]
    [TestCase("registry.local:5000/neo4j", "", "", null)]
    [TestCase("custom/graph:latest", "NEO4J_VERSION", "5.1.0", "5.1.0")]
    public void The_version_comes_from_what_the_image_declares(string image, string key, string value, string? expected)
    {
        var environment = key.Length == 0 ? new Dictionary<string, string>() : new Dictionary<string, string> { [key] = value };

        Assert.That(Neo4jVersions.FromImage(image, environment), Is.EqualTo(expected));
    }

    [TestCase("5.24.0", "auto", Neo4jAdminSyntax.V5)]
    [TestCase("4.4.30", "auto", Neo4jAdminSyntax.V44)]
    [TestCase(null, "auto", Neo4jAdminSyntax.V5)]
    [TestCase("5.24.0", "4.4", Neo4jAdminSyntax.V44)]
    [TestCase("4.4.30", "5", Neo4jAdminSyntax.V5)]
    public void Configuration_can_force_the_admin_syntax(string? version, string configured, Neo4jAdminSyntax expected) =>
        Assert.That(Neo4jVersions.SyntaxFor(version, configured), Is.EqualTo(expected));

    [Test]
    public void Only_names_known_components()
    {
        Assert.That(BackupComponents.Parse("Neo4j, uploads"), Is.EquivalentTo(new[] { BackupComponent.Neo4j, BackupComponent.Uploads }));
        Assert.That(BackupComponents.Parse(null), Has.Count.EqualTo(3));
        Assert.Throws<UsageException>(() => BackupComponents.Parse("postgres,redis"));
        Assert.Throws<UsageException>(() => BackupComponents.Parse("1"));
    }
}
