using Summit.Dr.Engine.Docker;
using Summit.Dr.Testing;


namespace Summit.Dr.IntegrationTests;

/// <summary>
/// Ordinary conditions of the machine are preconditions with one sentence, not unexpected failures: a backup
/// root on a read-only filesystem, a docker that answers with its own words (read here from the live engine,
/// so the patterns the tool keeps are tested against the real text).
/// </summary>
[TestFixture]
[CancelAfter(300_000)]
[NonParallelizable]
public sealed class MachineConditionTests
{
    [Test]
    public async Task A_read_only_backup_root_is_exit_3_naming_it_before_anything_is_stopped()
    {
        await using var platform = await Platform.StartAsync();
        var startedAt = await platform.StartedAtAsync(platform.Neo4j);
        var root = Path.Combine(platform.WorkDir, "readonly");
        Directory.CreateDirectory(root);
        var mount = await Sh.RunAsync("mount", ["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", root]);
        Assert.That(mount.ExitCode, Is.Zero, "the test mounts a read-only tmpfs and needs root (CI runs as root): " + mount.StandardError);
        try
        {
            foreach (var args in new[] { new[] { "backup", "--output", root }, ["backup", "--output", Path.Combine(root, "backups")] })
            {
                using var run = await ToolRun.RunAsync(platform.WorkDir, args);
                var errors = run.Stderr.Split('\n').Where(l => l.StartsWith("summit-dr: ", StringComparison.Ordinal)).ToList();
                Assert.Multiple(() =>
                {
                    Assert.That(run.ExitCode, Is.EqualTo(3), string.Join(' ', args) + ": " + run.Describe());
                    Assert.That(errors, Has.Count.EqualTo(1));
                    Assert.That(errors.Single(), Does.Contain("is not writable (read-only file " +
                        "system)").And.Contain("Backup:Root").And.Not.Contain("Unexpected failure"));
                });
            }
        }
        finally
        {
            await Sh.RunAsync("umount", ["-l", root]);
        }

        Assert.That(await platform.StartedAtAsync(platform.Neo4j), Is.EqualTo(startedAt), "Neo4j was never stopped");
    }

    [Test]
    public async Task Docker_exec_into_a_stopped_container_says_what_the_tool_reads_as_not_running()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        await Sh.DockerRequireAsync("stop", "--time", "60", platform.Neo4j);

        var exec = await Sh.DockerAsync("exec", platform.Neo4j, "true");
        var unreachable = await Sh.RunAsync("docker", ["-H", "unix:///nonexistent/docker.sock", "info"]);

        Assert.Multiple(() =>
        {
            Assert.That(exec.ExitCode, Is.Not.Zero);
            Assert.That(DockerText.IsNotRunning(exec.StandardError), Is.True, exec.StandardError);
            Assert.That(DockerText.IsUnreachable(unreachable.StandardError), Is.True, unreachable.StandardError);
        });
    }
}
