using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Discovery;
using Summit.Dr.Tests.Support;

namespace Summit.Dr.Tests.Discovery;

[TestFixture]
[CancelAfter(10_000)]
public sealed class PlatformDiscoveryTests
{
    [Test]
    public async Task A_container_found_under_its_configured_name_lends_nothing_from_its_environment()
    {
        using var harness = new CoreHarness();
        harness.Docker.Containers["postgres"].Environment = ["POSTGRES_USER=postgres"];

        await harness.Get<PlatformDiscovery>().ApplyAsync(CancellationToken.None);

        var options = harness.Get<IOptions<SummitDrOptions>>().Value;
        Assert.Multiple(() =>
        {
            Assert.That(options.Postgres.User, Is.EqualTo("intelgraph"));
            Assert.That(options.Postgres.Database, Is.EqualTo("intelgraph_dev"), "the runbook's database, not the image's default");
            Assert.That(harness.Docker.Lines, Has.None.StartsWith("ps"), "no discovery when the configured containers exist");
        });
    }

    [Test]
    public async Task A_missing_container_with_no_compose_candidate_is_left_for_the_operation_to_report()
    {
        using var harness = new CoreHarness();
        harness.Docker.Containers.Remove("postgres");
        harness.Docker.When(s => s.Arguments[0] == "ps", (_, _) => Task.FromResult(FakeDocker.Result()));

        await harness.Get<PlatformDiscovery>().ApplyAsync(CancellationToken.None);

        Assert.That(harness.Get<IOptions<SummitDrOptions>>().Value.Postgres.Container, Is.EqualTo("postgres"));
        Assert.That(harness.Docker.Lines, Has.Some.Contains("label=com.docker.compose.service=postgres"));
    }
}
