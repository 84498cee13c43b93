using System.Text.Json;
using System.Text.Json.Nodes;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// A bucket is an input: a manifest planted off-site that names its PostgreSQL artifact `/tmp/...`,
/// `../../../../tmp/...` or any other file is refused by pull (exit 4, one line naming it) before anything is
/// created or truncated, and the named file is untouched; `list --remote` shows such a backup as corrupt.
/// Against s3rver and azurite on loopback.
/// </summary>
[TestFixture]
[CancelAfter(600_000)]
public sealed class ConfinementTests
{
    private static readonly string[] Kinds = ["s3", "azure-blob"];

    [TestCaseSource(nameof(Kinds))]
    public async Task A_manifest_naming_a_file_outside_the_backup_is_refused_and_the_file_is_untouched(string kind)
    {
        await using var server = kind == "s3" ? await RemoteServer.StartS3Async() : await RemoteServer.StartAzuriteAsync();
        await using var platform = await Platform.StartAsync(seed: false);
        using (var backup = ToolRun.Start(
            platform.WorkDir, ["backup", "--only", "postgres", "--push", .. server.Settings()], server.Environment))
        {
            await backup.WaitAsync(TimeSpan.FromMinutes(3));
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        var name = platform.VisibleBackups().Single();
        var manifest = JsonNode.Parse(await server.GetAsync($"summit-dr/{name}/manifest.json"))!;
        Directory.Delete(Path.Combine(platform.BackupRoot, name), recursive: true);
        var victim = Path.Combine(Path.GetTempPath(), "summit-dr-victim-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(victim, "precious");
        var written = File.GetLastWriteTimeUtc(victim);
        try
        {
            foreach (var planted in new[] { victim, "../../../.." + victim, "postgres.dump.evil" })
            {
                manifest["postgres"]!["artifact"]!["file"] = planted;
                await server.PutAsync($"summit-dr/{name}/manifest.json", JsonSerializer.SerializeToUtf8Bytes(manifest));

                using var pull = ToolRun.Start(platform.WorkDir, ["pull", name, .. server.Settings()], server.Environment);
                await pull.WaitAsync(TimeSpan.FromMinutes(2));
                using var list = ToolRun.Start(platform.WorkDir, ["list", "--remote", "--json", .. server.Settings()], server.Environment);
                await list.WaitAsync(TimeSpan.FromMinutes(2));

                Assert.Multiple(() =>
                {
                    Assert.That(pull.ExitCode, Is.EqualTo(4), planted + ": " + pull.Describe());
                    Assert.That(pull.Stderr.Split('\n').Where(l => l.StartsWith("summit-dr: ", StringComparison.Ordinal)).ToList(),
                        Has.Count.EqualTo(1).And.Some.Contain($"names '{planted}'"), pull.Describe());
                    Assert.That(File.ReadAllText(victim), Is.EqualTo("precious"), "the named file is untouched");
                    Assert.That(File.GetLastWriteTimeUtc(victim), Is.EqualTo(written));
                    Assert.That(Directory.Exists(platform.BackupRoot) ? Directory.GetFileSystemEntries(platform.BackupRoot).Where(
                        e => !e.EndsWith(".summit-dr.lock", StringComparison.Ordinal)) : [], Is.Empty, "nothing was created in the " +
                            "backup root");
                    Assert.That(list.ExitCode, Is.Zero, list.Describe());
                    using var json = JsonDocument.Parse(list.Stdout);
                    Assert.That(json.RootElement.GetProperty("backups")[0].GetProperty("state").GetString(), Is.EqualTo("corrupt"));
                });
            }
        }
        finally
        {
            File.Delete(victim);
        }
    }

    [Test]
    public async Task An_object_larger_than_its_manifest_records_stops_the_download_at_that_size()
    {
        await using var server = await RemoteServer.StartS3Async();
        await using var platform = await Platform.StartAsync(seed: false);
        using (var backup = ToolRun.Start(
            platform.WorkDir, ["backup", "--only", "postgres", "--push", .. server.Settings()], server.Environment))
        {
            await backup.WaitAsync(TimeSpan.FromMinutes(3));
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        var name = platform.VisibleBackups().Single();
        Directory.Delete(Path.Combine(platform.BackupRoot, name), recursive: true);
        await server.PutAsync($"summit-dr/{name}/postgres.dump", new byte[8 << 20]);

        using var pull = ToolRun.Start(platform.WorkDir, ["pull", name, .. server.Settings()], server.Environment);
        await pull.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.That(pull.ExitCode, Is.EqualTo(4), pull.Describe());
        Assert.That(pull.Stderr, Does.Contain("is larger than the").And.Contain("the download stopped there"));
        Assert.That(platform.VisibleBackups(), Is.Empty);
        Assert.That(platform.UnfinishedBackups(), Is.Empty, "nothing of it was kept");
    }
}
