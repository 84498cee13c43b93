using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Model;
using Summit.Dr.Tests.Support;

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
        static FakeContainer Labelled(string name, params (string Key, string Value)[] labels)
        {
            var container = new FakeContainer(name, "img", true, []);
            foreach (var (key, value) in labels)
            {
                container.Labels[key] = value;
            }

            return container;
        }

        var dead = Labelled("summit-dr-admin-dead", (OneOffOwner.Label, Gone));
        var live = Labelled("summit-dr-admin-live", (OneOffOwner.Label, ProcessIdentity.Current().Token));
        var deadLock = Labelled("summit-dr-lock-dead", (OneOffOwner.Label, Gone), (OneOffOwner.VolumesLabel, "own"));
        var calls = new List<string>();
        var runner = new Mock<IProcessRunner>(MockBehavior.Strict);
        runner.Setup(r => r.RunAsync(It.IsAny<ProcessSpec>(), It.IsAny<CancellationToken>()))
            .Returns<ProcessSpec, CancellationToken>((spec, _) =>
            {
                calls.Add(string.Join(' ', spec.Arguments));
                var answer = spec.Arguments[0] switch
                {
                    "ps" => "summit-dr-admin-dead\nsummit-dr-admin-live\nsummit-dr-lock-dead\n",
                    "inspect" => FakeContainer.InspectJson([dead, live, deadLock]),
                    _ => "",
                };
                return Task.FromResult(new ProcessResult(0, answer, string.Empty, TimeSpan.Zero));
            });

        await OneOffOwner.RemoveLeftoversAsync(new DockerCli(runner.Object, "docker"), NullLogger.Instance, CancellationToken.None);

        Assert.That(
            calls.Where(c => c.StartsWith("rm ", StringComparison.Ordinal)),
            Is.EqualTo(new[] { "rm --force " + dead.Id, "rm --force --volumes " + deadLock.Id }),
            "by id (a lock taken over meanwhile has the same name); a workbench's volumes are the server's and stay, the lock's " +
                "came from its image and go with it");
        Assert.That(calls[1], Is.EqualTo("inspect --type container summit-dr-admin-dead summit-dr-admin-live summit-dr-lock-dead"),
            "the labels are read from one inspect, which docker and podman print alike");
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
