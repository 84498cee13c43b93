using System.Text.Json;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>Zero-config on a compose stack: other container names, compose labels, settings in the containers' environment.</summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class DiscoveryTests
{
    [Test]
    public async Task A_compose_stack_is_backed_up_and_restored_with_no_config_file()
    {
        await using var platform = await Platform.StartAsync(compose: true);
        Assert.That(File.Exists(Path.Combine(platform.WorkDir, "summit-dr.json")), Is.False);
        var seeded = await PlatformState.CaptureAsync(platform);

        using var backup = await ToolRun.RunAsync(platform.WorkDir, "backup", "--json");

        Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        using (var json = JsonDocument.Parse(backup.Stdout))
        {
            var manifest = json.RootElement.GetProperty("manifest");
            Assert.Multiple(() =>
            {
                Assert.That(manifest.GetProperty("postgres").GetProperty("source").GetProperty("container").GetString(),
                    Is.EqualTo(platform.Postgres));
                Assert.That(manifest.GetProperty("postgres").GetProperty("database").GetString(), Is.EqualTo("summit_dev"));
                Assert.That(manifest.GetProperty("neo4j").GetProperty("source").GetProperty("container").GetString(),
                    Is.EqualTo(platform.Neo4j));
                Assert.That(manifest.GetProperty("neo4j").GetProperty("nodeCount").GetInt64(), Is.EqualTo(Platform.SeededNodes));
                Assert.That(backup.Stderr, Does.Contain($"PostgreSQL: container '{platform.Postgres}' (compose project " +
                    $"'{platform.ComposeProject}', service 'postgres')"));
            });
        }

        await platform.ChangeEverythingAsync();
        using var restore = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest", "--yes");

        Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
        seeded.AssertEqual(await PlatformState.CaptureAsync(platform), "after restoring the compose stack");
    }

    [Test]
    public async Task Two_candidates_for_a_service_are_an_error_that_lists_them()
    {
        await using var platform = await Platform.StartAsync(seed: false, compose: true);
        var twin = platform.Prefix + "-summit-postgres-2";
        try
        {
            await Sh.DockerRequireAsync(
                ["run", "-d", "--name", twin, "--network", "none", .. platform.Labels("postgres"), "-e", "POSTGRES_USER=summit",
                    Repo.PostgresImage]);

            using var run = await ToolRun.RunAsync(platform.WorkDir, "backup");

            Assert.That(run.ExitCode, Is.EqualTo(3), run.Describe());
            Assert.That(run.Stderr, Does.Contain($"has 2 containers for service 'postgres': {platform.Postgres}, {twin}. Set " +
                $"Postgres:Container"));
        }
        finally
        {
            await Sh.DockerAsync("rm", "--force", "--volumes", twin);
        }
    }

    [Test]
    public async Task A_configured_name_that_exists_wins_over_discovery()
    {
        await using var platform = await Platform.StartAsync(seed: false, compose: true);

        using var run = await ToolRun.RunAsync(
            platform.WorkDir, "verify", "--set", "Postgres:Container=" + platform.Postgres, "--set", "Neo4j:Container=" + platform.Neo4j);

        Assert.That(run.Stderr, Does.Not.Contain("compose project"), run.Describe());
        Assert.That(run.Stdout, Does.Contain($"ok   postgres container: '{platform.Postgres}' is running"));
    }
}
