using System.Text.Json;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// A file in Neo4j's /data owned by root (left by `docker exec`) makes the official entrypoint print a warning
/// on stdout in every one-off of the image. Backup, restore and check work as the runbook's procedure does,
/// and nothing but neo4j-admin's archive reaches neo4j.dump.
/// </summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class OfficialEntrypointTests
{
    [TestCase("auto", TestName = "A root-owned file in /data does not break a backup (dump written into the backup directory)")]
    [TestCase("stream", TestName = "A root-owned file in /data does not break a backup (dump streamed past the entrypoint)")]
    public async Task A_root_owned_file_in_data_does_not_break_a_backup(string transfer)
    {
        await using var platform = await Platform.StartAsync();
        await platform.AddRootOwnedFileAsync();

        using var run = await ToolRun.RunAsync(platform.WorkDir, "backup", "--only", "neo4j", "--set", "Neo4j:DumpTransfer=" + transfer);

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        var dump = Path.Combine(platform.BackupRoot, platform.VisibleBackups().Single(), "neo4j.dump");
        var head = new byte[64];
        await using (var file = File.OpenRead(dump))
        {
            _ = await file.ReadAsync(head);
        }

        Assert.Multiple(async () =>
        {
            Assert.That(System.Text.Encoding.ASCII.GetString(head), Does.Not.Contain("Warning"), "the entrypoint's stdout never reaches " +
                "the dump");
            Assert.That(await LoadsIntoAScratchServerAsync(platform, dump), Is.EqualTo(Platform.SeededNodes), "the dump loads");
            Assert.That(await platform.Neo4jAnswersAsync(), Is.True);
        });
    }

    [Test]
    public async Task A_root_owned_file_in_data_does_not_break_a_restore_or_a_check()
    {
        await using var platform = await Platform.StartAsync();
        var seeded = await PlatformState.CaptureAsync(platform);
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        await platform.ChangeEverythingAsync();
        await platform.AddRootOwnedFileAsync();

        using var check = await ToolRun.RunAsync(platform.WorkDir, "check", "latest");
        using var restore = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest", "--yes");

        Assert.That(check.ExitCode, Is.Zero, check.Describe());
        Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
        seeded.AssertEqual(await PlatformState.CaptureAsync(platform), "after a restore over a store with a root-owned file");
    }

    [Test]
    public async Task A_neo4j_4_4_platform_backs_up_and_restores_with_the_4_4_syntax()
    {
        await using var platform = await Platform.StartAsync(neo4jImage: Repo.Neo4j44Image);
        await platform.AddRootOwnedFileAsync();
        var seeded = await PlatformState.CaptureAsync(platform);

        using var backup = await ToolRun.RunAsync(platform.WorkDir, "backup", "--json");
        Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        using (var json = JsonDocument.Parse(backup.Stdout))
        {
            Assert.That(json.RootElement.GetProperty("manifest").GetProperty("neo4j").GetProperty("adminSyntax").GetString(),
                Is.EqualTo("4.4"));
        }

        await platform.ChangeEverythingAsync();
        using var restore = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest", "--yes");

        Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
        seeded.AssertEqual(await PlatformState.CaptureAsync(platform), "after restoring a 4.4 platform");
    }

    /// <summary>Loads a dump into a fresh volume with the image's own neo4j-admin and counts the nodes a server on it holds.</summary>
    private static async Task<long> LoadsIntoAScratchServerAsync(Platform platform, string dump)
    {
        var volume = platform.Prefix + "-scratch";
        var scratch = platform.Prefix + "-scratch-neo4j";
        try
        {
            await Sh.DockerRequireAsync("volume", "create", volume);
            await using (var input = File.OpenRead(dump))
            {
                var load = await Sh.RunAsync(
                    "docker", ["run", "--rm", "-i", "--network", "none", "-v", volume + ":/data", platform.Neo4jImage,
                    "neo4j-admin", "database", "load", "neo4j", "--from-stdin", "--overwrite-destination=true"], stdin: input);
                Assert.That(load.ExitCode, Is.Zero, load.StandardError);
            }

            await Sh.DockerRequireAsync(
                "run", "-d", "--name", scratch, "--network", "none", "-v", volume + ":/data", "-e",
                $"NEO4J_AUTH=neo4j/{platform.Neo4jPassword}", platform.Neo4jImage);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await Sh.DockerAsync(
                "exec", "-e", "NEO4J_PASSWORD=" + platform.Neo4jPassword, scratch, "cypher-shell", "-u", "neo4j",
                "RETURN 1")).ExitCode != 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }

            return await platform.NodeCountAsync(scratch);
        }
        finally
        {
            await Sh.DockerAsync("rm", "--force", "--volumes", scratch);
            await Sh.DockerAsync("volume", "rm", volume);
        }
    }
}
