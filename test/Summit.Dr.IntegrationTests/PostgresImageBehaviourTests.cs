using Summit.Dr.Testing;


namespace Summit.Dr.IntegrationTests;

/// <summary>The PostgreSQL image as the official one behaves where summit-dr can observe it: its start-up.</summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class PostgresImageBehaviourTests
{
    [Test]
    public async Task While_the_entrypoint_initialises_psql_already_answers_but_the_real_server_is_not_up_yet()
    {
        var name = "sdr-pginit-" + Guid.NewGuid().ToString("N")[..8];
        var scripts = Directory.CreateTempSubdirectory("summit-dr-initdb-").FullName;
        // An initialisation script that takes a while, as a real one loading a schema does.
        await File.WriteAllTextAsync(Path.Combine(scripts, "slow.sql"), "SELECT pg_sleep(3);\n");
        // The entrypoint reads it as the postgres user.
        File.SetUnixFileMode(scripts, (UnixFileMode)Convert.ToInt32("755", 8));
        File.SetUnixFileMode(Path.Combine(scripts, "slow.sql"), (UnixFileMode)Convert.ToInt32("644", 8));
        try
        {
            await Sh.DockerRequireAsync(
                "run", "-d", "--name", name, "--network", "none", "-e", "POSTGRES_USER=summit", "-e", "POSTGRES_DB=summit_dev",
                "-v", scripts + ":/docker-entrypoint-initdb.d:ro", Repo.PostgresImage);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await Sh.DockerAsync("exec", name, "psql", "-U", "summit", "-d", "summit_dev", "-c", "SELECT 1")).ExitCode != 0)
            {
                Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "psql never " +
                    "answered:\n" + (await Sh.DockerAsync("logs", name)).StandardError);
                await Task.Delay(100);
            }

            var whileInitialising = (await Sh.DockerRequireAsync("exec", name, "cat", "/proc/1/comm")).Trim();
            await Platform.WaitForPostgresAsync(name, "summit", "summit_dev");
            var once = (await Sh.DockerRequireAsync("exec", name, "cat", "/proc/1/comm")).Trim();

            Assert.Multiple(() =>
            {
                Assert.That(whileInitialising, Is.Not.EqualTo("postgres"), "the initialisation server answers while the entrypoint still " +
                    "runs");
                Assert.That(once, Is.EqualTo("postgres"), "the real server runs as PID 1 once the entrypoint is done");
            });
        }
        finally
        {
            await Sh.DockerAsync("rm", "--force", "--volumes", name);
            Directory.Delete(scripts, recursive: true);
        }
    }
}
