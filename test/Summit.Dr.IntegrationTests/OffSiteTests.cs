using System.Security.Cryptography;
using System.Text.Json;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// Off-site copies against real servers on loopback: s3rver (S3-compatible) and azurite (Azure Blob). A
/// backup goes up (in parts, large enough for multipart), lists, comes back verified and restores; a
/// damaged object is refused on pull; a push cut off mid-upload leaves nothing complete off-site;
/// prune applies its policy off-site; an encrypted backup drills straight from off-site.
/// </summary>
[TestFixture]
[CancelAfter(600_000)]
public sealed partial class OffSiteTests
{
    private static readonly string[] Kinds = ["s3", "azure-blob"];

    [TestCaseSource(nameof(Kinds))]
    public async Task A_backup_pushed_off_site_lists_comes_back_verified_and_restores(string kind)
    {
        await using var server = await StartAsync(kind);
        await using var platform = await Platform.StartAsync();
        WriteRandom(Path.Combine(platform.Uploads, "scans", "large.bin"), 12 << 20);
        var seeded = await PlatformState.CaptureAsync(platform);
        string[] remote = [.. server.Settings(), "--set", "Remote:PartSizeMiB=5"];

        using (var backup = await RunAsync(platform, server, ["backup", "--push", "--json", .. remote]))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
            using var json = JsonDocument.Parse(backup.Stdout);
            Assert.That(json.RootElement.GetProperty("pushed").GetProperty("location").GetString(),
                Does.EndWith("/summit-dr/" + json.RootElement.GetProperty("name").GetString()));
            AssertNoSecret(server, backup);
        }

        var name = platform.VisibleBackups().Single();
        var local = Path.Combine(platform.BackupRoot, name);
        var hashes = Hashes(local);
        using (var list = await RunAsync(platform, server, ["list", "--remote", "--json", .. remote]))
        {
            Assert.That(list.ExitCode, Is.Zero, list.Describe());
            using var json = JsonDocument.Parse(list.Stdout);
            var entry = json.RootElement.GetProperty("backups").EnumerateArray().Single();
            Assert.Multiple(() =>
            {
                Assert.That(entry.GetProperty("name").GetString(), Is.EqualTo(name));
                Assert.That(entry.GetProperty("state").GetString(), Is.EqualTo("complete"));
                Assert.That(entry.GetProperty("components").EnumerateArray().Select(c => c.GetString()),
                    Is.EquivalentTo(new[] { "postgres", "neo4j", "uploads" }));
            });
        }

        // Gone locally: pull brings back the very same files, and restore --remote pulls by itself.
        Directory.Delete(local, recursive: true);
        using (var pull = await RunAsync(platform, server, ["pull", "latest", .. remote]))
        {
            Assert.That(pull.ExitCode, Is.Zero, pull.Describe());
        }

        Assert.That(Hashes(local), Is.EquivalentTo(hashes));
        Directory.Delete(local, recursive: true);
        await platform.ChangeEverythingAsync();
        using (var restore = await RunAsync(platform, server, ["restore", "latest", "--remote", "--yes", .. remote]))
        {
            Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
        }

        seeded.AssertEqual(await PlatformState.CaptureAsync(platform), "after restoring from off-site");
        Assert.That(Hashes(local), Is.EquivalentTo(hashes));
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task An_object_damaged_off_site_is_refused_on_pull_with_4_and_nothing_is_kept(string kind)
    {
        await using var server = await StartAsync(kind);
        await using var platform = await Platform.StartAsync();
        using (var backup = await RunAsync(platform, server, ["backup", "--only", "postgres,uploads", "--push", .. server.Settings()]))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        var name = platform.VisibleBackups().Single();
        Directory.Delete(Path.Combine(platform.BackupRoot, name), recursive: true);
        await server.FlipByteAsync($"summit-dr/{name}/postgres.dump");

        using var pull = await RunAsync(platform, server, ["pull", name, .. server.Settings()]);

        Assert.Multiple(() =>
        {
            Assert.That(pull.ExitCode, Is.EqualTo(4), pull.Describe());
            Assert.That(pull.Stderr, Does.Contain("postgres.dump").And.Contain("damaged"));
            Assert.That(Directory.GetDirectories(platform.BackupRoot), Is.Empty, "no backup and no unfinished download is left");
        });
    }

    [Test]
    public async Task Prune_remote_keeps_what_the_policy_keeps_and_removes_the_rest_manifest_first()
    {
        await using var server = await StartAsync("s3");
        await using var platform = await Platform.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            using var backup = await RunAsync(platform, server, ["backup", "--only", "postgres", "--push", .. server.Settings()]);
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
            await Task.Delay(1100);
        }

        var newest = platform.VisibleBackups().Max(StringComparer.Ordinal);
        using (var dry = await RunAsync(platform, server, ["prune", "--remote", "--keep-last", "1", "--dry-run", .. server.Settings()]))
        {
            Assert.That(dry.ExitCode, Is.Zero, dry.Describe());
            Assert.That(dry.Stdout.Split('\n').Count(l => l.StartsWith("would remove", StringComparison.Ordinal)), Is.EqualTo(2));
        }

        using (var prune = await RunAsync(platform, server, ["prune", "--remote", "--keep-last", "1", .. server.Settings()]))
        {
            Assert.That(prune.ExitCode, Is.Zero, prune.Describe());
        }

        using var list = await RunAsync(platform, server, ["list", "--remote", "--json", .. server.Settings()]);
        using var json = JsonDocument.Parse(list.Stdout);
        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("backups").EnumerateArray().Select(b => b.GetProperty("name").GetString()),
                Is.EqualTo(new[] { newest }));
            Assert.That(platform.VisibleBackups(), Has.Count.EqualTo(3), "prune --remote leaves the local backups alone");
        });
    }

    [Test]
    public async Task An_encrypted_backup_goes_off_site_as_ciphertext_and_drills_from_there_with_the_secret_key()
    {
        using var ops = await GpgHome.CreateAsync("Summit Ops <ops@example.test>");
        await using var server = await StartAsync("s3");
        await using var platform = await Platform.StartAsync();
        using (var backup = await RunAsync(
            platform, server, ["backup", "--push", "--set", "Encryption:PublicKeyFiles=" + ops.PublicKeyFile, .. server.Settings()]))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        var name = platform.VisibleBackups().Single();
        Directory.Delete(Path.Combine(platform.BackupRoot, name), recursive: true);
        var stored = Directory.EnumerateFiles(server.DataDirectory, "*", SearchOption.AllDirectories).Where(
            f => f.Contains("postgres.dump", StringComparison.Ordinal) && !f.EndsWith(".json", StringComparison.Ordinal)).ToList();
        Assert.That(stored.Select(f => File.ReadAllBytes(f).AsSpan(0, 5).SequenceEqual("PGDMP"u8)), Has.None.True, "only ciphertext is " +
            "off-site");

        using var drill = await RunAsync(
            platform, server,
            ["drill", "latest", "--remote", "--json", "--set", "Encryption:SecretKeyFiles=" + ops.SecretKeyFile, .. server.Settings()]);

        Assert.That(drill.ExitCode, Is.Zero, drill.Describe());
        using var json = JsonDocument.Parse(drill.Stdout);
        Assert.That(json.RootElement.GetProperty("status").GetString(), Is.EqualTo("proven"));
    }

    [Test]
    public async Task Without_configuration_or_with_wrong_credentials_push_says_what_to_do_and_shows_no_secret()
    {
        await using var server = await StartAsync("s3");
        await using var platform = await Platform.StartAsync();
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup", "--only", "postgres"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        using var unconfigured = await ToolRun.RunAsync(platform.WorkDir, "push", "latest");
        using var wrong = ToolRun.Start(
            platform.WorkDir, ["push", "latest", .. server.Settings()],
            new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = "NOBODY", ["AWS_SECRET_ACCESS_KEY"] = "wrong-secret-4711" });
        await wrong.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Multiple(() =>
        {
            Assert.That(unconfigured.ExitCode, Is.EqualTo(2), unconfigured.Describe());
            Assert.That(unconfigured.Stderr, Does.Contain("Remote:Kind"));
            Assert.That(wrong.ExitCode, Is.EqualTo(1), wrong.Describe());
            Assert.That(wrong.Stderr, Does.Contain("summit-dr: ").And.Contain("check the credentials " +
                "(AWS_ACCESS_KEY_ID").And.Not.Contain("wrong-secret-4711").And.Not.Contain("Unexpected failure"));
        });
    }

    private static async Task<RemoteServer> StartAsync(string kind) =>
        kind == "s3" ? await RemoteServer.StartS3Async() : await RemoteServer.StartAzuriteAsync();

    private static async Task<ToolRun> RunAsync(Platform platform, RemoteServer server, string[] args)
    {
        var run = ToolRun.Start(platform.WorkDir, args, server.Environment);
        await run.WaitAsync(TimeSpan.FromMinutes(4));
        return run;
    }

    private static void AssertNoSecret(RemoteServer server, ToolRun run)
    {
        foreach (var secret in server.Environment.Where(e => e.Key is "AWS_SECRET_ACCESS_KEY" or "AZURE_STORAGE_CONNECTION_STRING").Select(
            e => e.Value))
        {
            var key = secret.Contains("AccountKey=", StringComparison.Ordinal) ? secret.Split("AccountKey=")[1].Split(';')[0] : secret;
            Assert.That(run.Stdout + run.Stderr, Does.Not.Contain(key));
        }
    }

    private static void WriteRandom(string path, int bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(bytes));
    }

    private static Dictionary<string, string> Hashes(string directory) =>
        // The records of a drill and of a push are this machine's: they stay beside the backup and are not sent.
        Directory.GetFiles(directory).Where(f => Path.GetFileName(f) is not ("drill.json" or "pushed.json"))
            .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(2);
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting until " + what);
            }

            await Task.Delay(20);
        }
    }
}
