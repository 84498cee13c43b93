using System.Text.Json;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>Bad input and unmet preconditions: a clear one-line message, the documented exit code, nothing lost.</summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class BackupPreconditionTests
{
    [Test]
    public async Task A_missing_postgres_container_exits_3_naming_it_and_stops_nothing()
    {
        await using var platform = await Platform.StartAsync(seed: false);

        using var run = await ToolRun.RunAsync(platform.WorkDir, "backup", "--set", "Postgres:Container=" + platform.Prefix + "-postgre");

        Assert.Multiple(async () =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(3), run.Describe());
            Assert.That(run.Stderr.Trim().Split('\n')[^1], Is.EqualTo($"summit-dr: PostgreSQL container '{platform.Prefix}-postgre' not " +
                $"found. List containers with `docker ps -a` and set Postgres:Container to the right name."),
                "one line, no substring match on the real container's name");
            Assert.That(run.Stderr, Does.Contain($"PostgreSQL: no container '{platform.Prefix}-postgre' (set in command " +
                $"line)"), "it says which container it looked for and why");
            Assert.That(run.Stderr.Split('\n').Count(l => l.StartsWith("summit-dr: ", StringComparison.Ordinal)), Is.EqualTo(1));
            Assert.That(await platform.IsRunningAsync(platform.Neo4j), Is.True);
            Assert.That(platform.VisibleBackups(), Is.Empty);
        });
    }

    [Test]
    public async Task A_stopped_postgres_container_exits_3()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        await Sh.DockerRequireAsync("stop", platform.Postgres);

        using var run = await ToolRun.RunAsync(platform.WorkDir, "backup");

        Assert.That(run.ExitCode, Is.EqualTo(3), run.Describe());
        Assert.That(run.Stderr, Does.Contain("is exited, not running").And.Contain("docker start " + platform.Postgres));
    }

    [Test]
    public async Task A_stopped_neo4j_is_dumped_offline_and_left_stopped()
    {
        await using var platform = await Platform.StartAsync();
        await Sh.DockerRequireAsync("stop", "--time", "60", platform.Neo4j);

        using var run = await ToolRun.RunAsync(platform.WorkDir, "backup", "--only", "neo4j");

        Assert.Multiple(async () =>
        {
            Assert.That(run.ExitCode, Is.Zero, run.Describe());
            Assert.That(run.Stderr, Does.Contain("not running; dumping it offline and leaving it stopped"));
            Assert.That(await platform.IsRunningAsync(platform.Neo4j), Is.False);
            Assert.That(new FileInfo(Path.Combine(platform.BackupRoot, platform.VisibleBackups().Single(), "neo4j.dump")).Length,
                Is.GreaterThan(0));
        });
    }

    [Test]
    public async Task A_missing_uploads_directory_fails_the_backup_with_3_and_the_fix_before_anything_is_stopped()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        Directory.Delete(platform.Uploads);

        using var refused = await ToolRun.RunAsync(platform.WorkDir, "backup");

        Assert.Multiple(async () =>
        {
            Assert.That(refused.ExitCode, Is.EqualTo(3), refused.Describe());
            Assert.That(refused.Stderr.Trim().Split('\n')[^1], Does.StartWith($"summit-dr: The uploads directory {platform.Uploads} does " +
                "not exist. Nothing was stopped.").And.Contain("--only postgres,neo4j").And.Contain("Uploads:Optional=true"));
            Assert.That(platform.VisibleBackups(), Is.Empty);
            Assert.That(await platform.Neo4jAnswersAsync(), Is.True);
        });
    }

    [Test]
    public async Task A_missing_uploads_directory_that_is_optional_warns_and_the_manifest_says_so()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        Directory.Delete(platform.Uploads);

        using var run = await ToolRun.RunAsync(platform.WorkDir, "backup", "--json", "--set", "Uploads:Optional=true");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Multiple(() =>
        {
            Assert.That(run.Stderr, Does.Contain("warning: Uploads directory").And.Contain("does not exist"));
            Assert.That(json.RootElement.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(1));
            Assert.That(json.RootElement.GetProperty("manifest").GetProperty("uploads").GetProperty("status").GetString(),
                Is.EqualTo("missing"));
            Assert.That(json.RootElement.GetProperty("warnings")[0].GetString(), Does.Contain("does not exist"));
        });
    }

    [Test]
    public async Task Docker_that_is_not_running_exits_3_with_what_to_do()
    {
        var dir = Directory.CreateTempSubdirectory("summit-dr-nodaemon-").FullName;
        var fake = FakeDockerScript(dir, """
            echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2
            exit 1
            """);

        using var run = await ToolRun.RunAsync(dir, "backup", "--docker", fake);

        Assert.That(run.ExitCode, Is.EqualTo(3), run.Describe());
        Assert.That(
            run.Stderr.Trim().Split('\n')[^1], Does.StartWith("summit-dr: Docker is not reachable").And.Contain("Start the Docker engine"));
    }

    [Test]
    public async Task A_docker_cli_that_does_not_exist_exits_3()
    {
        var dir = Directory.CreateTempSubdirectory("summit-dr-nocli-").FullName;

        using var run = await ToolRun.RunAsync(dir, "backup", "--docker", "/nonexistent/bin/docker");

        Assert.That(run.ExitCode, Is.EqualTo(3), run.Describe());
        Assert.That(run.Stderr.Trim().Split('\n')[^1], Does.StartWith("summit-dr: Cannot start '/nonexistent/bin/docker': ")
            .And.Contain("No such file or directory").And.EndWith("Install it or pass its path with --docker.")
            .And.Not.Contain("inner exception"));
    }

    [TestCase("--only", "redis")]
    [TestCase("--set", "Neo4j:StopTimeoutSeconds=soon")]
    [TestCase("--no-such-option")]
    public async Task Bad_usage_exits_2_with_one_line(params string[] args)
    {
        var dir = Directory.CreateTempSubdirectory("summit-dr-usage-").FullName;

        using var run = await ToolRun.RunAsync(dir, ["backup", .. args]);

        Assert.That(run.ExitCode, Is.EqualTo(2), run.Describe());
        Assert.That(run.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(run.Stderr, Does.StartWith("summit-dr: "));
    }

    /// <summary>A tiny stand-in for the docker CLI: a script reached through --docker, as podman would be.</summary>
    private static string FakeDockerScript(string dir, string body)
    {
        var path = Path.Combine(dir, "fake-docker");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
