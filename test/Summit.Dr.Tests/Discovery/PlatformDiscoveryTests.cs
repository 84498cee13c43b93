using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Discovery;
using Summit.Dr.Errors;
using Summit.Dr.Tests.Support;

namespace Summit.Dr.Tests.Discovery;

[TestFixture]
[CancelAfter(10_000)]
public sealed class PlatformDiscoveryTests
{
    [Test]
    public async Task A_container_found_under_its_configured_name_lends_nothing_from_its_environment()
    {
        using var harness = new CoreHarness(services: s => s.AddSingleton(SetOnTheCommandLine("Postgres:Container", "Neo4j:Container")));
        harness.Docker.Containers["postgres"].Environment = ["POSTGRES_USER=postgres"];

        await harness.Get<PlatformDiscovery>().ApplyAsync(CancellationToken.None);

        var options = harness.Get<IOptions<SummitDrOptions>>().Value;
        Assert.Multiple(() =>
        {
            Assert.That(options.Postgres.User, Is.EqualTo("intelgraph"));
            Assert.That(options.Postgres.Database, Is.EqualTo("intelgraph_dev"), "the runbook's database, not the image's default");
            Assert.That(harness.Docker.Lines, Has.None.StartsWith("ps"), "a configured name that exists needs no compose lookup");
            Assert.That(harness.Log.Lines, Has.Some.Contains("PostgreSQL: container 'postgres' (set in command line)"));
        });
    }

    [Test]
    public async Task A_default_name_loses_to_the_current_compose_projects_service()
    {
        using var harness = new CoreHarness();
        var project = harness.Get<PlatformDiscovery>().ComposeProject;
        AddComposeContainer(harness, "summit-postgres", project, "postgres", ["POSTGRES_USER=summit", "POSTGRES_DB=summit_dev"]);
        AddComposeContainer(harness, "summit-neo4j", project, "neo4j", ["NEO4J_AUTH=neo4j/pw"]);

        await harness.Get<PlatformDiscovery>().ApplyAsync(CancellationToken.None);

        var options = harness.Get<IOptions<SummitDrOptions>>().Value;
        Assert.Multiple(() =>
        {
            Assert.That(options.Postgres.Container, Is.EqualTo("summit-postgres"), "a container named `postgres` exists, but it is only " +
                "the default");
            Assert.That(options.Neo4j.Container, Is.EqualTo("summit-neo4j"));
            Assert.That(options.Postgres.Database, Is.EqualTo("summit_dev"), "a compose service lends its environment");
            Assert.That(harness.Log.Lines, Has.Some.Contains($"PostgreSQL: container 'summit-postgres' (compose project '{project}', " +
                $"service 'postgres')"));
        });
    }

    [Test]
    public async Task Without_a_compose_service_the_default_name_is_used_and_lends_nothing()
    {
        using var harness = new CoreHarness();
        harness.Docker.Containers["postgres"].Environment = ["POSTGRES_USER=postgres"];

        await harness.Get<PlatformDiscovery>().ApplyAsync(CancellationToken.None);

        var options = harness.Get<IOptions<SummitDrOptions>>().Value;
        Assert.Multiple(() =>
        {
            Assert.That(options.Postgres.Container, Is.EqualTo("postgres"));
            Assert.That(options.Postgres.User, Is.EqualTo("intelgraph"));
            Assert.That(harness.Log.Lines, Has.Some.Contains("PostgreSQL: container 'postgres' (default name; compose project"));
        });
    }

    [Test]
    public async Task A_configured_name_wins_over_the_compose_service()
    {
        using var harness = new CoreHarness(services: s => s.AddSingleton(SetOnTheCommandLine("Postgres:Container")));
        AddComposeContainer(harness, "summit-postgres", harness.Get<PlatformDiscovery>().ComposeProject, "postgres", []);

        await harness.Get<PlatformDiscovery>().ApplyAsync(CancellationToken.None);

        Assert.That(harness.Get<IOptions<SummitDrOptions>>().Value.Postgres.Container, Is.EqualTo("postgres"));
    }

    [Test]
    public async Task A_missing_container_with_a_service_in_another_project_says_how_to_select_it()
    {
        using var harness = new CoreHarness();
        harness.Docker.Containers.Remove("postgres");
        AddComposeContainer(harness, "other-postgres-1", "other", "postgres", []);

        await harness.Get<PlatformDiscovery>().ApplyAsync(CancellationToken.None);

        var hint = harness.Get<PlatformDiscovery>().HintFor("Postgres:Container");
        Assert.Multiple(() =>
        {
            Assert.That(harness.Get<IOptions<SummitDrOptions>>().Value.Postgres.Container, Is.EqualTo("postgres"), "nothing of another " +
                "project is taken silently");
            Assert.That(hint, Does.Contain("'other-postgres-1' (compose project 'other')")
                .And.Contain("COMPOSE_PROJECT_NAME=other")
                .And.Contain("--set Postgres:Container=other-postgres-1"));
        });
        var error = Assert.ThrowsAsync<PreconditionException>(() => harness.RunBackupAsync());
        Assert.That(error!.Message, Does.StartWith("PostgreSQL container 'postgres' not " +
            "found. ").And.Contain("COMPOSE_PROJECT_NAME=other"));
    }

    [Test]
    public async Task A_missing_container_with_no_compose_candidate_is_left_for_the_operation_to_report()
    {
        using var harness = new CoreHarness();
        harness.Docker.Containers.Remove("postgres");

        await harness.Get<PlatformDiscovery>().ApplyAsync(CancellationToken.None);

        Assert.That(harness.Get<IOptions<SummitDrOptions>>().Value.Postgres.Container, Is.EqualTo("postgres"));
        Assert.That(harness.Docker.Lines, Has.Some.Contains("label=com.docker.compose.service=postgres"));
        Assert.That(harness.Get<PlatformDiscovery>().HintFor("Postgres:Container"), Is.Null);
    }

    [Test]
    public void Two_containers_for_one_service_of_the_project_are_an_error_that_lists_them()
    {
        using var harness = new CoreHarness();
        var project = harness.Get<PlatformDiscovery>().ComposeProject;
        AddComposeContainer(harness, "summit-postgres-1", project, "postgres", []);
        AddComposeContainer(harness, "summit-postgres-2", project, "postgres", []);

        var error = Assert.ThrowsAsync<PreconditionException>(() => harness.Get<PlatformDiscovery>().ApplyAsync(CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("has 2 containers for service 'postgres': summit-postgres-1, summit-postgres-2. Set " +
            "Postgres:Container"));
    }

    private static void AddComposeContainer(CoreHarness harness, string name, string project, string service, string[] environment)
    {
        var container = new FakeContainer(name, service == "neo4j" ? "neo4j:5.24.0-community" : "postgres:16-alpine", true, environment);
        container.Labels[PlatformDiscovery.ProjectLabel] = project;
        container.Labels[PlatformDiscovery.ServiceLabel] = service;
        harness.Docker.Containers[name] = container;
    }

    /// <summary>Settings as if given with --set: the built-in defaults, then a layer that sets these keys.</summary>
    private static SettingSources SetOnTheCommandLine(params string[] keys)
    {
        var root = new ConfigurationBuilder()
            .AddInMemoryCollection(SummitDrDefaults.Values)
            .AddInMemoryCollection(keys.ToDictionary(k => k, k => (string?)SummitDrDefaults.Values[k]))
            .Build();
        return new SettingSources(root);
    }
}
