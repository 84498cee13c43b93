using System.Text.Json;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// Two platforms on one engine: the platform's compose stack (project = its directory, containers
/// `*-summit-postgres` and `*-summit-neo4j`), and another one that uses the runbook's names `postgres` and
/// `neo4j`. A default name never beats the platform you are standing in; a configured one always wins.
/// </summary>
[TestFixture]
[CancelAfter(420_000)]
[NonParallelizable]
public sealed class ComposePrecedenceTests
{
    private static readonly (string Postgres, string Neo4j) RunbookNames = ("postgres", "neo4j");

    [OneTimeSetUp]
    public async Task TheRunbooksNamesAreFreeAsync()
    {
        foreach (var name in new[] { RunbookNames.Postgres, RunbookNames.Neo4j })
        {
            Assert.That((await Sh.DockerAsync("inspect", "--type", "container", name)).ExitCode, Is.Not.Zero,
                $"These tests start a container named '{name}'; one already exists on this engine. Remove it (or run the tests on " +
                    $"another engine).");
        }
    }

    [Test]
    public async Task Backup_and_restore_use_the_current_compose_project_not_the_default_names_and_leave_the_other_platform_untouched()
    {
        await using var summit = await Platform.StartAsync(compose: true);
        await using var other = await Platform.StartAsync(names: RunbookNames);
        await other.PsqlAsync("CREATE TABLE other_only (id int); INSERT INTO other_only VALUES (1), (2);");
        var seeded = await PlatformState.CaptureAsync(summit);
        var untouched = await PlatformState.CaptureAsync(other);

        using var backup = await ToolRun.RunAsync(summit.WorkDir, "backup", "--json");

        Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        using (var json = JsonDocument.Parse(backup.Stdout))
        {
            var manifest = json.RootElement.GetProperty("manifest");
            Assert.Multiple(() =>
            {
                Assert.That(manifest.GetProperty("postgres").GetProperty("source").GetProperty("container").GetString(),
                    Is.EqualTo(summit.Postgres));
                Assert.That(manifest.GetProperty("neo4j").GetProperty("source").GetProperty("container").GetString(),
                    Is.EqualTo(summit.Neo4j));
                Assert.That(manifest.GetProperty("postgres").GetProperty("database").GetString(), Is.EqualTo("summit_dev"));
                Assert.That(backup.Stderr, Does.Contain($"PostgreSQL: container '{summit.Postgres}' (compose project " +
                    $"'{summit.ComposeProject}', service 'postgres')"));
                Assert.That(backup.Stderr, Does.Contain($"Neo4j: container '{summit.Neo4j}' (compose project '{summit.ComposeProject}', " +
                    $"service 'neo4j')"));
            });
        }

        await summit.ChangeEverythingAsync();
        using var restore = await ToolRun.RunAsync(summit.WorkDir, "restore", "latest", "--yes");

        Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
        seeded.AssertEqual(await PlatformState.CaptureAsync(summit), "the compose platform is restored");
        untouched.AssertEqual(await PlatformState.CaptureAsync(other), "the platform with the runbook's names is untouched");
        Assert.That(await other.PsqlAsync("SELECT count(*) FROM other_only"), Is.EqualTo("2"));
    }

    [Test]
    public async Task A_name_set_in_a_file_the_environment_or_an_option_always_wins()
    {
        await using var summit = await Platform.StartAsync(seed: false, compose: true);
        await using var other = await Platform.StartAsync(seed: false, names: RunbookNames);
        File.WriteAllText(Path.Combine(summit.WorkDir, "summit-dr.json"), """{ "Neo4j": { "Container": "neo4j" } }""");
        var environment = new Dictionary<string, string> { ["SUMMIT_DR_Postgres__Container"] = "postgres" };

        using var run = ToolRun.Start(summit.WorkDir, ["doctor", "--json"], environment);
        await run.WaitAsync(TimeSpan.FromMinutes(1));
        using var option = await ToolRun.RunAsync(summit.WorkDir, "doctor", "--set", "Postgres:Container=postgres");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        using var json = JsonDocument.Parse(run.Stdout);
        var configuration = json.RootElement.GetProperty("configuration").EnumerateArray()
            .ToDictionary(
                e => e.GetProperty("key").GetString()!, e =>
                    (Value: e.GetProperty("value").GetString(), Source: e.GetProperty("source").GetString()));
        Assert.Multiple(() =>
        {
            Assert.That(configuration["Postgres:Container"], Is.EqualTo(("postgres", "environment (SUMMIT_DR_Postgres__Container)")));
            Assert.That(configuration["Neo4j:Container"].Value, Is.EqualTo("neo4j"));
            Assert.That(configuration["Neo4j:Container"].Source, Does.EndWith("summit-dr.json"));
            Assert.That(run.Stderr, Does.Contain("PostgreSQL: container 'postgres' (set in environment (SUMMIT_DR_Postgres__Container))"));
            Assert.That(option.Stderr, Does.Contain("PostgreSQL: container 'postgres' (set in command line)"), option.Describe());
            Assert.That(option.Stderr, Does.Contain($"Neo4j: container 'neo4j' (set in {Path.Combine(summit.WorkDir, "summit-dr.json")})"));
        });
    }

    [Test]
    public async Task Outside_any_compose_project_the_default_names_are_used_and_said_so()
    {
        await using var other = await Platform.StartAsync(names: RunbookNames);
        var elsewhere = Directory.CreateTempSubdirectory("summit-dr-elsewhere-").FullName;
        try
        {
            using var run = await ToolRun.RunAsync(elsewhere, "backup", "--only", "postgres");

            Assert.That(run.ExitCode, Is.Zero, run.Describe());
            Assert.That(run.Stderr, Does.Contain("PostgreSQL: container 'postgres' (default name; compose project 'summit-dr-elsewhere-"));
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Test]
    public async Task A_service_that_exists_only_in_another_compose_project_is_named_with_how_to_select_it()
    {
        await using var summit = await Platform.StartAsync(seed: false, compose: true);
        var elsewhere = Directory.CreateTempSubdirectory("summit-dr-elsewhere-").FullName;
        try
        {
            using var backup = await ToolRun.RunAsync(elsewhere, "backup");
            using var doctor = await ToolRun.RunAsync(elsewhere, "doctor");

            Assert.Multiple(() =>
            {
                Assert.That(backup.ExitCode, Is.EqualTo(3), backup.Describe());
                Assert.That(backup.Stderr, Does.Contain("summit-dr: PostgreSQL container 'postgres' not found.")
                    .And.Contain($"'{summit.Postgres}' (compose project '{summit.ComposeProject}')")
                    .And.Contain($"COMPOSE_PROJECT_NAME={summit.ComposeProject}")
                    .And.Contain($"--set Postgres:Container={summit.Postgres}"));
                Assert.That(doctor.ExitCode, Is.EqualTo(3), doctor.Describe());
                Assert.That(doctor.Stdout, Does.Contain("FAIL postgres container: 'postgres' not found (default name).")
                    .And.Contain($"COMPOSE_PROJECT_NAME={summit.ComposeProject}"));
                Assert.That(doctor.Stdout, Does.Contain("FAIL neo4j container: 'neo4j' not found (default name).")
                    .And.Contain($"--set Neo4j:Container={summit.Neo4j}"));
            });

            using var selected = await ToolRun.RunAsync(
                elsewhere, "verify", "--set", "Postgres:Container=" + summit.Postgres, "--set", "Neo4j:Container=" + summit.Neo4j);
            Assert.That(selected.Stdout, Does.Contain($"ok   postgres container: '{summit.Postgres}' is running"), selected.Describe());
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }
}
