using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Model;

namespace Summit.Dr.Tests.Docker;

/// <summary>A workbench names the run that started it: a dead run's goes with any later command, a live run's stays.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class OneOffOwnerTests
{
    private static readonly string Gone = $"{Environment.MachineName}/{int.MaxValue - 7}/1700000000000";

    [Test]
    public async Task Only_the_containers_of_runs_that_are_gone_are_removed()
    {
        var calls = new List<string>();
        var runner = new Mock<IProcessRunner>(MockBehavior.Strict);
        runner.Setup(r => r.RunAsync(It.IsAny<ProcessSpec>(), It.IsAny<CancellationToken>()))
            .Returns<ProcessSpec, CancellationToken>((spec, _) =>
            {
                calls.Add(string.Join(' ', spec.Arguments));
                var listed = $"summit-dr-admin-dead\t{Gone}\nsummit-dr-admin-live\t{ProcessIdentity.Current().Token}\n";
                return Task.FromResult(new ProcessResult(0, spec.Arguments[0] == "ps" ? listed : "", string.Empty, TimeSpan.Zero));
            });

        await OneOffOwner.RemoveLeftoversAsync(new DockerCli(runner.Object, "docker"), NullLogger.Instance, CancellationToken.None);

        Assert.That(
            calls.Where(c => c.StartsWith("rm ", StringComparison.Ordinal)), Is.EqualTo(new[] { "rm --force summit-dr-admin-dead" }));
    }

    [Test]
    public void Another_live_run_owns_a_container_this_run_and_a_dead_one_do_not()
    {
        static ContainerInfo Labelled(string owner) => new(
            "id", "summit-dr-admin-neo4j", "img", true, "running", new Dictionary<string, string>(),
            new Dictionary<string, string> { [OneOffOwner.Label] = owner });

        Assert.Multiple(() =>
        {
            Assert.That(OneOffOwner.OtherLiveOwner(Labelled(ProcessIdentity.Current().Token)), Is.Null, "its own");
            Assert.That(OneOffOwner.OtherLiveOwner(Labelled(Gone)), Is.Null, "a dead run's");
            Assert.That(OneOffOwner.OtherLiveOwner(Labelled("elsewhere/42/1700000000000")), Is.EqualTo("elsewhere/42/1700000000000"),
                "a run on another host is taken as alive");
        });
    }
}
