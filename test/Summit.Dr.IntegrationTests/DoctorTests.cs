using System.Text.Json;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

[TestFixture]
[CancelAfter(180_000)]
public sealed class DoctorTests
{
    [Test]
    public async Task Doctor_on_a_healthy_platform_is_ready_and_shows_where_each_setting_came_from_with_secrets_masked()
    {
        await using var platform = await Platform.StartAsync();
        const string secret = "doctor-Secret-9";
        var environment = new Dictionary<string, string> { ["SUMMIT_DR_Neo4j__Password"] = secret };

        using var run = ToolRun.Start(platform.WorkDir, ["doctor", "--json"], environment);
        await run.WaitAsync(TimeSpan.FromMinutes(1));
        using var fromContainer = await ToolRun.RunAsync(platform.WorkDir, "doctor", "--json");
        using var second = JsonDocument.Parse(fromContainer.Stdout);
        var neo4jPassword = second.RootElement.GetProperty("configuration").EnumerateArray()
            .Single(e => e.GetProperty("key").GetString() == "Neo4j:Password");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        using var json = JsonDocument.Parse(run.Stdout);
        var configuration = json.RootElement.GetProperty("configuration").EnumerateArray()
            .ToDictionary(
                e => e.GetProperty("key").GetString()!, e =>
                    (Value: e.GetProperty("value").GetString(), Source: e.GetProperty("source").GetString()));
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(
            c => c.GetProperty("name").GetString()!, c => c.GetProperty("detail").GetString());
        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(1));
            Assert.That(json.RootElement.GetProperty("ready").GetBoolean(), Is.True);
            Assert.That(run.Stdout + run.Stderr, Does.Not.Contain(secret));
            Assert.That(configuration["Neo4j:Password"], Is.EqualTo(("***", "environment (SUMMIT_DR_Neo4j__Password)")));
            Assert.That(configuration["Postgres:Container"].Source, Does.EndWith("summit-dr.json"));
            Assert.That(configuration["Backup:Root"], Is.EqualTo(("backups", "default")));
            Assert.That(configuration.Keys, Is.SupersetOf(new[] { "Pitr:Enabled", "Drill:ReadyTimeoutSeconds", "Metrics:TimeoutSeconds",
                "Notify:On", "Uploads:Optional", "Remote:Retries" }), "every setting, not a chosen few");
            Assert.That(
                (neo4jPassword.GetProperty("value").GetString(), neo4jPassword.GetProperty("source").GetString()),
                Is.EqualTo(("***", $"container environment (NEO4J_AUTH of {platform.Neo4j})")), "unset, the password is NEO4J_AUTH's");
            Assert.That(fromContainer.Stdout, Does.Not.Contain(platform.Neo4jPassword));
            Assert.That(checks["neo4j version"], Does.Contain("5.24.0").And.Contain("5.x `database dump|load`"));
            Assert.That(checks["postgres container"], Does.Contain($"'{platform.Postgres}' (set in " +
                $"{Path.Combine(platform.WorkDir, "summit-dr.json")})"));
            Assert.That(checks["free disk"], Does.Contain("estimated"));
            Assert.That(checks.Keys, Does.Contain("docker cli").And.Contain("docker daemon").And.Contain("write permission"));
        });
    }

    [Test]
    public async Task Doctor_reports_a_missing_container_with_exit_3_and_still_runs_every_check()
    {
        await using var platform = await Platform.StartAsync(seed: false);

        using var run = await ToolRun.RunAsync(platform.WorkDir, "doctor", "--set", "Neo4j:Container=" + platform.Prefix + "-gone");

        Assert.That(run.ExitCode, Is.EqualTo(3), run.Describe());
        Assert.That(run.Stdout, Does.Contain($"FAIL neo4j container: '{platform.Prefix}-gone' not found (set in command line). List " +
            $"containers with `docker ps -a` and set Neo4j:Container"));
        Assert.That(run.Stdout, Does.Contain("ok   postgres container").And.Contain("free disk").And.Contain("Effective configuration:"));
    }

    [Test]
    public async Task Doctor_says_how_a_container_was_found_on_a_compose_stack()
    {
        await using var platform = await Platform.StartAsync(seed: false, compose: true);

        using var run = await ToolRun.RunAsync(platform.WorkDir, "doctor");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        Assert.That(run.Stdout, Does.Contain($"ok   postgres container: '{platform.Postgres}' (compose project " +
            $"'{platform.ComposeProject}', service 'postgres')"));
        Assert.That(run.Stdout,
            Does.Match(@"Postgres:Database\s+summit_dev\s+container environment \(POSTGRES_DB of " + platform.Postgres + @"\)"));
    }

    [Test]
    public async Task Doctor_without_a_daemon_exits_3_and_still_checks_the_disk()
    {
        var dir = Directory.CreateTempSubdirectory("summit-dr-doctor-").FullName;
        var fake = Path.Combine(dir, "fake-docker");
        File.WriteAllText(fake, """
            #!/bin/sh
            if [ "$1" = "--version" ]; then echo "Docker version 99.0.0"; exit 0; fi
            echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2
            exit 1
            """);
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);

        using var run = await ToolRun.RunAsync(dir, "doctor", "--docker", fake);

        Assert.That(run.ExitCode, Is.EqualTo(3), run.Describe());
        Assert.That(run.Stdout, Does.Contain("ok   docker cli").And.Contain("FAIL docker daemon: Docker is not " +
            "reachable").And.Contain("ok   write permission"));
    }
}
