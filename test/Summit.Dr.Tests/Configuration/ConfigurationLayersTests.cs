using Microsoft.Extensions.Configuration;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tests.Configuration;

[TestFixture]
[NonParallelizable] // sets process environment variables
[CancelAfter(10_000)]
public sealed class ConfigurationLayersTests
{
    private const string EnvironmentKey = "SUMMIT_DR_Postgres__Container";
    private string _workDir = null!;

    [SetUp]
    public void SetUp() => _workDir = Directory.CreateTempSubdirectory("summit-dr-config-").FullName;

    [TearDown]
    public void TearDown()
    {
        Environment.SetEnvironmentVariable(EnvironmentKey, null);
        Environment.SetEnvironmentVariable("SUMMIT_DR_Neo4j__StopTimeoutSeconds", null);
        Directory.Delete(_workDir, recursive: true);
    }

    [Test]
    public void Defaults_are_the_runbooks_names()
    {
        var options = Load();

        Assert.Multiple(() =>
        {
            Assert.That(options.Postgres.Container, Is.EqualTo("postgres"));
            Assert.That(options.Postgres.Database, Is.EqualTo("intelgraph_dev"));
            Assert.That(options.Postgres.User, Is.EqualTo("intelgraph"));
            Assert.That(options.Neo4j.Container, Is.EqualTo("neo4j"));
            Assert.That(options.Neo4j.Database, Is.EqualTo("neo4j"));
            Assert.That(options.Neo4j.StopTimeoutSeconds, Is.EqualTo(120));
            Assert.That(options.Uploads.Path, Is.EqualTo("server/uploads"));
            Assert.That(options.Backup.Root, Is.EqualTo("backups"));
            Assert.That(options.Docker.Path, Is.EqualTo("docker"));
        });
    }

    [Test]
    public void Each_layer_overrides_the_one_before()
    {
        File.WriteAllText(Path.Combine(_workDir, "summit-dr.json"), """
            { "Postgres": { "Container": "from-file", "Database": "file_db" }, "Neo4j": { "StopTimeoutSeconds": 300 },
                "Backup": { "Root": "file-root" } }
            """);
        Environment.SetEnvironmentVariable(EnvironmentKey, "from-env");
        Environment.SetEnvironmentVariable("SUMMIT_DR_Neo4j__StopTimeoutSeconds", "200");

        var fileOnly = Load();
        var withSet = Load(settings: ["Neo4j:StopTimeoutSeconds=90"], docker: "/opt/podman/bin/podman");

        Assert.Multiple(() =>
        {
            Assert.That(fileOnly.Postgres.Database, Is.EqualTo("file_db"), "file over defaults");
            Assert.That(fileOnly.Backup.Root, Is.EqualTo("file-root"));
            Assert.That(fileOnly.Postgres.Container, Is.EqualTo("from-env"), "environment over file");
            Assert.That(fileOnly.Neo4j.StopTimeoutSeconds, Is.EqualTo(200));
            Assert.That(withSet.Neo4j.StopTimeoutSeconds, Is.EqualTo(90), "--set over environment");
            Assert.That(withSet.Docker.Path, Is.EqualTo("/opt/podman/bin/podman"), "--docker over everything");
            Assert.That(withSet.Postgres.User, Is.EqualTo("intelgraph"), "untouched keys keep their defaults");
        });
    }

    [Test]
    public void An_explicit_config_file_replaces_the_working_directory_one()
    {
        File.WriteAllText(Path.Combine(_workDir, "summit-dr.json"), """{ "Postgres": { "Container": "workdir-file" } }""");
        var other = Path.Combine(_workDir, "other.json");
        File.WriteAllText(other, """{ "Postgres": { "Container": "explicit-file" } }""");

        Assert.That(Load(config: other).Postgres.Container, Is.EqualTo("explicit-file"));
    }

    [Test]
    public void A_missing_config_file_is_a_usage_error()
    {
        var error = Assert.Throws<UsageException>(() => Load(config: Path.Combine(_workDir, "nope.json")));

        Assert.That(error!.Message, Does.Contain("nope.json does not exist"));
    }

    [Test]
    public void A_malformed_setting_is_a_usage_error()
    {
        Assert.Throws<UsageException>(() => Load(settings: ["Neo4j:StopTimeoutSeconds"]));
    }

    [Test]
    public void Invalid_values_are_usage_errors()
    {
        Assert.Throws<UsageException>(() => Load(settings: ["Neo4j:StopTimeoutSeconds=soon"]));
        Assert.Throws<UsageException>(() => Load(settings: ["Neo4j:StopTimeoutSeconds=0"]));
        Assert.Throws<UsageException>(() => Load(settings: ["Postgres:Container="]));
    }

    [Test]
    public void Invalid_json_is_a_usage_error()
    {
        File.WriteAllText(Path.Combine(_workDir, "summit-dr.json"), "{ \"Postgres\": ");

        var error = Assert.Throws<UsageException>(() => Load());

        Assert.That(error!.Message, Does.Contain("summit-dr.json"));
    }

    private SummitDrOptions Load(string? config = null, string[]? settings = null, string? docker = null)
    {
        var configuration = new ConfigurationManager();
        ConfigurationLayers.Apply(
            configuration, new GlobalOptions(config, _workDir, docker, settings ?? [], false, false), new WorkingDirectory(_workDir));
        return OperationHost.ValidatedOptions(configuration);
    }
}
