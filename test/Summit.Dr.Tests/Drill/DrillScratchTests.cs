using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Operations.Drill;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Tests.Support;

namespace Summit.Dr.Tests.Drill;

/// <summary>What a drill creates, how it goes, and how leftovers of killed drills are told from live and kept ones.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class DrillScratchTests
{
    private readonly List<string> _calls = [];
    private Mock<IProcessRunner> _runner = null!;
    private DockerCli _docker = null!;

    [SetUp]
    public void SetUp()
    {
        _calls.Clear();
        _runner = new Mock<IProcessRunner>(MockBehavior.Strict);
        _docker = new DockerCli(_runner.Object, "docker");
    }

    [TearDown]
    public void TearDown()
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), "summit-dr-drill-unit-*"))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task A_scratch_container_gets_labelled_volumes_at_the_images_declared_paths_and_secrets_only_in_the_environment()
    {
        Answer(args => args[0] == "image" ? Ok("{\"/data\":{},\"/logs\":{}}") : args[0] == "inspect" ? Ok(
            Inspected("summit-dr-drill-unit-1-neo4j")) : Ok());

        await using (var scratch = new DrillScratch(_docker, "unit-1", NullLogger.Instance))
        {
            await scratch.RunAsync(
                "neo4j", "neo4j:5", new Dictionary<string, string> { ["NEO4J_AUTH"] = "neo4j/s3cret" }, start: false,
                CancellationToken.None);
            _calls.Clear();
        }

        var create = _runner.Invocations.Select(i => (ProcessSpec)i.Arguments[0]).Single(s => s.Arguments[0] == "create");
        Assert.Multiple(() =>
        {
            Assert.That(create.Arguments, Does.Contain("--network").And.Contain("none"));
            Assert.That(string.Join(' ', create.Arguments),
                Does.Contain("--label summit-dr.drill=unit-1").And.Contain("--label summit-dr.drill.owner="));
            Assert.That(string.Join(' ', create.Arguments), Does.Contain("type=volume,source=summit-dr-drill-unit-1-neo4j-0,target=/data")
                .And.Contain("type=volume,source=summit-dr-drill-unit-1-neo4j-1,target=/logs"));
            Assert.That(string.Join(' ', create.Arguments), Does.Not.Contain("s3cret"), "the password travels in the environment");
            Assert.That(create.Environment["NEO4J_AUTH"], Is.EqualTo("neo4j/s3cret"));
            // Disposing: the workbench that holds the volumes first, then the container, then its volumes.
            Assert.That(_calls, Is.EqualTo(new[]
            {
                "rm --force summit-dr-admin-summit-dr-drill-unit-1-neo4j-" + Environment.ProcessId,
                "rm --force summit-dr-drill-unit-1-neo4j",
                "volume rm --force summit-dr-drill-unit-1-neo4j-0",
                "volume rm --force summit-dr-drill-unit-1-neo4j-1",
            }));
            Assert.That(Directory.Exists(Path.Combine(Path.GetTempPath(), "summit-dr-drill-unit-1")), Is.False);
        });
    }

    [Test]
    public async Task A_missing_image_is_a_drill_failure_that_says_how_to_get_it_and_leaves_nothing()
    {
        Answer(args => args[0] == "image" ? Fail("Error: No such image: postgres:99") : Ok());

        await using (var scratch = new DrillScratch(_docker, "unit-2", NullLogger.Instance))
        {
            var error = Assert.ThrowsAsync<OperationFailedException>(
                () => scratch.RunAsync("postgres", "postgres:99", new Dictionary<string, string>(), start: true, CancellationToken.None));
            Assert.That(error!.Message, Does.Contain("The image postgres:99 is not on this engine").And.Contain("docker pull postgres:99"));
        }

        Assert.That(_calls.Where(
            c => c.StartsWith("create", StringComparison.Ordinal) || c.StartsWith("run", StringComparison.Ordinal)
                || c.StartsWith("volume create", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task With_keep_nothing_is_removed()
    {
        Answer(args => args[0] == "image" ? Ok("null") : args[0] == "inspect" ? Ok(Inspected("summit-dr-drill-unit-3-postgres")) : Ok());

        await using (var scratch = new DrillScratch(_docker, "unit-3", NullLogger.Instance) { Keep = true })
        {
            await scratch.RunAsync("postgres", "postgres:16", new Dictionary<string, string>(), start: true, CancellationToken.None);
            _calls.Clear();
        }

        Assert.That(_calls, Is.Empty);
        Assert.That(Directory.Exists(Path.Combine(Path.GetTempPath(), "summit-dr-drill-unit-3")), Is.True);
    }

    [Test]
    public async Task Leftovers_are_removed_only_when_their_owner_is_gone_and_they_were_not_kept()
    {
        using var self = Process.GetCurrentProcess();
        var alive = $"{Environment.MachineName}/{self.Id}/{new DateTimeOffset(self.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds()}";
        var gone = $"{Environment.MachineName}/{int.MaxValue - 7}/1700000000000";
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "summit-dr-drill-unit-kept"));
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "summit-dr-drill-unit-kept", ".kept"), "kept");
        Answer(args => args[0] switch
        {
            "ps" => Ok("summit-dr-drill-unit-dead-neo4j\nsummit-dr-drill-unit-live-neo4j\nsummit-dr-drill-unit-kept-neo4j\n"),
            "inspect" => Ok(FakeContainer.InspectJson([Drill("summit-dr-drill-unit-dead-neo4j", gone, "unit-dead"),
                Drill("summit-dr-drill-unit-live-neo4j", alive, "unit-live"),
                Drill("summit-dr-drill-unit-kept-neo4j", gone, "unit-kept")])),
            "volume" when args[1] == "ls" => Ok("summit-dr-drill-unit-dead-neo4j-0\nsummit-dr-drill-unit-live-neo4j-0\n"),
            "volume" when args[1] == "inspect" => Ok(JsonSerializer.Serialize(new[]
            {
                Drill("summit-dr-drill-unit-dead-neo4j-0", gone, "unit-dead"),
                Drill("summit-dr-drill-unit-live-neo4j-0", alive, "unit-live"),
            }.Select(v => new { v.Name, v.Labels }))),
            _ => Ok(),
        });

        await DrillScratch.RemoveLeftoversAsync(_docker, NullLogger.Instance, CancellationToken.None);

        Assert.That(_calls.Where(
            c => c.StartsWith("rm ", StringComparison.Ordinal) || c.StartsWith("volume rm ", StringComparison.Ordinal)), Is.EqualTo(new[]
        {
            $"rm --force summit-dr-admin-summit-dr-drill-unit-dead-neo4j-{int.MaxValue - 7}",
            "rm --force summit-dr-drill-unit-dead-neo4j",
            "volume rm --force summit-dr-drill-unit-dead-neo4j-0",
        }));
    }

    /// <summary>A container (or, by its name and labels, a volume) a drill labelled.</summary>
    private static FakeContainer Drill(string name, string owner, string id)
    {
        var container = new FakeContainer(name, "img", true, []);
        container.Labels[DrillScratch.OwnerLabel] = owner;
        container.Labels[DrillScratch.Label] = id;
        return container;
    }

    private void Answer(Func<IReadOnlyList<string>, ProcessResult> respond) =>
        _runner.Setup(r => r.RunAsync(It.IsAny<ProcessSpec>(), It.IsAny<CancellationToken>()))
            .Returns<ProcessSpec, CancellationToken>((spec, _) =>
            {
                lock (_calls)
                {
                    _calls.Add(string.Join(' ', spec.Arguments));
                }

                return Task.FromResult(respond(spec.Arguments));
            });

    private static ProcessResult Ok(string stdout = "") => new(0, stdout, string.Empty, TimeSpan.Zero);

    private static ProcessResult Fail(string stderr) => new(1, string.Empty, stderr, TimeSpan.Zero);

    private static string Inspected(string name) =>
        "[{\"Id\":\"abc\",\"Name\":\"/" + name + "\",\"Config\":{\"Image\":\"img\",\"Env\":[]," +
        "\"Labels\":{\"summit-dr.drill\":\"x\"},\"User\":\"\"}," +
        "\"State\":{\"Running\":false,\"Status\":\"created\"}}]";
}
