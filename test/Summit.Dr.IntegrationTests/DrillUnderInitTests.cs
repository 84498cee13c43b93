using System.Text.Json;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// A PostgreSQL image whose PID 1 is not postgres (an init such as tini, dumb-init or s6, or a shell, as a
/// derived image may put there): the drill's scratch server is ready when a TCP connection to 127.0.0.1 inside
/// it succeeds, which only the final server accepts, not when PID 1 has a certain name.
/// </summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class DrillUnderInitTests
{
    private const string Image = "summit-dr-fixture/postgres:under-init";

    [Test]
    public async Task A_drill_of_a_postgres_image_run_under_an_init_is_ready_and_proven()
    {
        await using var platform = await Platform.StartAsync();
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup", "--only", "postgres"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        await BuildAsync();
        var live = platform.Prefix + "-pg-under-init";
        await Sh.DockerRequireAsync(
            "run", "-d", "--name", live, "--network", "none", "-e", "POSTGRES_USER=" + platform.User, "-e", "POSTGRES_PASSWORD=pw", "-e",
            "POSTGRES_DB=" + platform.Database, Image);
        try
        {
            var pid1 = (await Sh.DockerRequireAsync("exec", live, "cat", "/proc/1/comm")).Trim();
            Assert.That(pid1, Is.Not.EqualTo("postgres"), "the image under test keeps another process as PID 1");

            using var drill = await ToolRun.RunAsync(
                platform.WorkDir, "drill", "latest", "--json", "--set", "Postgres:Container=" + live, "--set",
                "Drill:ReadyTimeoutSeconds=90");

            Assert.That(drill.ExitCode, Is.Zero, drill.Describe());
            using var json = JsonDocument.Parse(drill.Stdout);
            Assert.Multiple(() =>
            {
                Assert.That(json.RootElement.GetProperty("status").GetString(), Is.EqualTo("proven"));
                Assert.That(json.RootElement.GetProperty("images").EnumerateArray().Select(i => i.GetString()), Has.Some.Contains(Image));
                Assert.That(json.RootElement.GetProperty("totalSeconds").GetDouble(), Is.LessThan(90), "ready as soon as the final " +
                    "server listens, not after a timeout");
            });
        }
        finally
        {
            await Sh.DockerAsync("rm", "--force", live);
        }
    }

    /// <summary>The fixture's image with a shell as PID 1 that runs the entrypoint as its child (it does not exec it).</summary>
    private static async Task BuildAsync()
    {
        var context = Directory.CreateTempSubdirectory("summit-dr-under-init-").FullName;
        File.WriteAllText(Path.Combine(context, "Dockerfile"), $"""
            FROM {Repo.PostgresImage}
            ENTRYPOINT ["/bin/sh", "-c", "docker-entrypoint.sh postgres; exit $?"]
            CMD []
            """);
        try
        {
            await Sh.DockerRequireAsync("build", "-q", "-t", Image, context);
        }
        finally
        {
            Directory.Delete(context, recursive: true);
        }
    }
}
