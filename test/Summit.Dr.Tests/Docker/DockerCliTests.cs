using Moq;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Tests.Support;

namespace Summit.Dr.Tests.Docker;

[TestFixture]
[CancelAfter(10_000)]
public sealed class DockerCliTests
{
    [Test]
    public void An_unreachable_daemon_is_a_precondition_failure_that_says_what_to_do()
    {
        var runner = new Mock<IProcessRunner>();
        runner.Setup(r => r.RunAsync(It.IsAny<ProcessSpec>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(FakeDocker.Result(1, stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the " +
                "docker daemon running?"));
        var docker = new DockerCli(runner.Object, "/usr/bin/docker");

        var error = Assert.ThrowsAsync<PreconditionException>(() => docker.InspectAsync("postgres", CancellationToken.None));

        Assert.That(error!.Message, Does.StartWith("Docker is not reachable").And.Contain("docker info"));
    }

    [Test]
    public void A_message_names_the_commands_to_run_with_the_cli_in_use()
    {
        var runner = new Mock<IProcessRunner>();
        runner.Setup(r => r.RunAsync(It.IsAny<ProcessSpec>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(FakeDocker.Result(125, stdout: "[]\n", stderr: "Error: no such object: \"postgres\""));
        var podman = new DockerCli(runner.Object, "/usr/bin/podman");

        var error = Assert.ThrowsAsync<PreconditionException>(
            () => podman.RequireAsync("postgres", "PostgreSQL", "Postgres:Container", null, null, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("List containers with `podman ps -a`"));
    }

    /// <summary>docker 28 and podman print an empty list for a name they do not know, and exit 1: that decides, not their words.</summary>
    [TestCase("Error: No such container: postgres")]
    [TestCase("Error: no such object: \"postgres\"")]
    public async Task A_missing_container_inspects_as_null(string stderr)
    {
        var runner = new Mock<IProcessRunner>();
        runner.Setup(r => r.RunAsync(It.IsAny<ProcessSpec>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(FakeDocker.Result(1, stdout: "[]\n", stderr: stderr));

        var info = await new DockerCli(runner.Object, "docker").InspectAsync("postgres", CancellationToken.None);

        Assert.That(info, Is.Null);
    }

    [Test]
    public void An_inspect_that_fails_without_answering_is_an_error_not_a_missing_container()
    {
        var runner = new Mock<IProcessRunner>();
        runner.Setup(r => r.RunAsync(It.IsAny<ProcessSpec>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(FakeDocker.Result(1, stderr: "permission denied while trying to connect to the Docker daemon socket at " +
                "unix:///var/run/docker.sock"));

        var error = Assert.ThrowsAsync<OperationFailedException>(
            () => new DockerCli(runner.Object, "docker").InspectAsync("postgres", CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("permission denied"));
    }

    [Test]
    public void Inspect_output_is_parsed_into_image_state_environment_and_labels()
    {
        const string json = """
            [{"Id":"abc","Name":"/summit-neo4j","State":{"Running":true,"Status":"running"},"Image":"sha256:2490e8",
              "Created":"2026-12-07T14:35:43.123456789Z",
              "Config":{"Image":"neo4j:5.24.0-community","Env":["NEO4J_AUTH=neo4j/pw=with=equals","PATH=/bin"],
                        "Labels":{"com.docker.compose.service":"neo4j"}}}]
            """;

        var info = DockerCli.ParseInspect(json)!;

        Assert.Multiple(() =>
        {
            Assert.That(info.Name, Is.EqualTo("summit-neo4j"));
            Assert.That(info.Image, Is.EqualTo("neo4j:5.24.0-community"));
            Assert.That(info.Running, Is.True);
            Assert.That(info.Environment["NEO4J_AUTH"], Is.EqualTo("neo4j/pw=with=equals"));
            Assert.That(info.Labels["com.docker.compose.service"], Is.EqualTo("neo4j"));
            Assert.That(info.ImageId, Is.EqualTo("sha256:2490e8"), "the image it runs, whatever its tag does since");
            Assert.That(info.Created, Is.EqualTo(new DateTimeOffset(2026, 12, 7, 14, 35, 43, TimeSpan.Zero).AddTicks(1234567)),
                "the engine's nanoseconds, read to the tick");
        });
    }

    [Test]
    public void Display_quotes_arguments_the_way_a_shell_user_would_type_them_but_nothing_runs_through_a_shell()
    {
        var spec = new ProcessSpec("/usr/bin/docker", ["exec", "neo4j", "cypher-shell", "MATCH (n) RETURN count(n)", "it's"]);

        Assert.That(spec.Display, Is.EqualTo("docker exec neo4j cypher-shell 'MATCH (n) RETURN count(n)' 'it'\\''s'"));
    }

    [Test]
    public void Labels_are_read_from_what_docker_and_podman_inspect_print_for_containers_and_volumes()
    {
        // Trimmed from docker 20.10 and podman 4.3: docker names a container with a slash; a volume keeps its labels at the top.
        const string docker = """[{"Id":"1","Name":"/summit-dr-lock-ab","Config":{"Labels":{"summit-dr.owner":"h/1/2","x":"y"}}}]""";
        const string podman = """[{"Id":"2","Name":"summit-dr-admin-n-7","Config":{"Labels":{"summit-dr.owner":"h/3/4"}}}]""";
        const string volumes = """[{"Name":"summit-dr-drill-a-0","Labels":{"summit-dr.drill":"a"}},{"Name":"v","Labels":null}]""";

        static string[] Row(Labelled l) => [l.Name, l.Id, .. l.Values];

        Assert.Multiple(() =>
        {
            Assert.That(DockerCli.LabelRows(docker, volumes: false, ["summit-dr.owner", "absent"]).Select(Row),
                Is.EqualTo(new[] { new[] { "summit-dr-lock-ab", "1", "h/1/2", "" } }));
            Assert.That(DockerCli.LabelRows(podman, volumes: false, ["summit-dr.owner"]).Select(Row),
                Is.EqualTo(new[] { new[] { "summit-dr-admin-n-7", "2", "h/3/4" } }));
            Assert.That(DockerCli.LabelRows(volumes, volumes: true, ["summit-dr.drill"]).Select(Row),
                Is.EqualTo(new[] { new[] { "summit-dr-drill-a-0", "summit-dr-drill-a-0", "a" }, new[] { "v", "v", "" } }));
            Assert.That(DockerCli.LabelRows("Error: no such object", volumes: false, ["x"]), Is.Empty,
                "nothing to say: looked at again next time");
        });
    }

    [Test]
    public async Task Nothing_labelled_asks_no_inspect_and_one_gone_before_the_inspect_leaves_the_others()
    {
        var calls = new List<string>();
        var listed = string.Empty;
        var runner = new Mock<IProcessRunner>(MockBehavior.Strict);
        runner.Setup(r => r.RunAsync(It.IsAny<ProcessSpec>(), It.IsAny<CancellationToken>()))
            .Returns<ProcessSpec, CancellationToken>((spec, _) =>
            {
                calls.Add(spec.Arguments[0]);
                // As docker and podman do for a name they no longer know: the others printed, exit 1 (podman 125).
                return Task.FromResult(spec.Arguments[0] == "ps" ? FakeDocker.Result(stdout: listed) : FakeDocker.Result(1,
                    """[{"Id":"9","Name":"/kept","Config":{"Labels":{"l":"v"}}}]""", "Error: No such container: gone"));
            });
        var docker = new DockerCli(runner.Object, "docker");

        var none = await docker.LabelledAsync(volumes: false, "l", ["l"], CancellationToken.None);
        Assert.That(none, Is.Empty);
        Assert.That(calls, Is.EqualTo(new[] { "ps" }), "no inspect of nothing");

        listed = "gone\nkept\n";
        var found = await docker.LabelledAsync(volumes: false, "l", ["l"], CancellationToken.None);
        Assert.That(found.Select(f => (f.Name, f.Id, f.Values[0])), Is.EqualTo(new[] { ("kept", "9", "v") }));
    }
}
