using Summit.Dr.Testing;


namespace Summit.Dr.IntegrationTests;

/// <summary>
/// Settings are checked, not guessed, and secrets stay off the command line: a typo in any source is exit 2
/// naming the key and the nearest known one; a secret given with --set is refused naming where it belongs; a
/// configuration file others can read and a plain-http endpoint off this machine draw a warning; a passphrase
/// is hashed as gpg hashes it, and a short one draws a warning; the log of an encrypted backup goes off-site
/// encrypted.
/// </summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class SettingsCheckTests
{
    [Test]
    public async Task An_unknown_key_from_any_source_is_exit_2_naming_it_and_the_nearest_known_one()
    {
        var dir = Directory.CreateTempSubdirectory("summit-dr-settings-").FullName;
        using var fromSet = await ToolRun.RunAsync(dir, "list", "--set", "Neo4j:StopTimeoutSecond=300");
        using var fromEnvironment = ToolRun.Start(dir, ["list"], new Dictionary<string, string> { ["SUMMIT_DR_Uploads__Pat"] = "x" });
        await fromEnvironment.WaitAsync(TimeSpan.FromMinutes(1));
        File.WriteAllText(Path.Combine(dir, "summit-dr.json"), """{ "Backup": { "Roots": "elsewhere" } }""");
        File.SetUnixFileMode(Path.Combine(dir, "summit-dr.json"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var fromFile = await ToolRun.RunAsync(dir, "list");

        Assert.Multiple(() =>
        {
            foreach (var (
                run, key, nearest) in new[] { (fromSet, "Neo4j:StopTimeoutSecond", "Neo4j:StopTimeoutSeconds"),
                (fromEnvironment, "Uploads:Pat", "Uploads:Path"), (fromFile, "Backup:Roots", "Backup:Root") })
            {
                Assert.That(run.ExitCode, Is.EqualTo(2), run.Describe());
                Assert.That(run.Stderr.Trim(), Does.StartWith($"summit-dr: Unknown setting {key}").And.Contain($"did you mean {nearest}?"));
            }
        });
    }

    [TestCase("Postgres:Password=hunter2", "SUMMIT_DR_Postgres__Password")]
    [TestCase("Neo4j:Password=hunter2", "SUMMIT_DR_Neo4j__Password")]
    [TestCase("Notify:WebhookUrl=https://hooks.example.test/T0/B0/secret", "SUMMIT_DR_Notify__WebhookUrl")]
    [TestCase("Metrics:PushgatewayUrl=https://metrics:hunter2@push.example.test", "SUMMIT_DR_Metrics__PushgatewayUrl")]
    [TestCase("Remote:Endpoint=https://key:hunter2@s3.example.test", "SUMMIT_DR_Remote__Endpoint")]
    public async Task A_secret_on_the_command_line_is_refused_naming_where_it_belongs(string setting, string variable)
    {
        var dir = Directory.CreateTempSubdirectory("summit-dr-settings-").FullName;

        using var run = await ToolRun.RunAsync(dir, "list", "--set", setting);

        Assert.That(run.ExitCode, Is.EqualTo(2), run.Describe());
        Assert.That(run.Stderr, Does.Contain("visible to every user of this " +
            "machine").And.Contain(variable).And.Not.Contain(setting.Split('=')[1]));
    }

    [Test]
    public async Task A_readable_config_file_and_plain_http_off_this_machine_draw_warnings()
    {
        var dir = Directory.CreateTempSubdirectory("summit-dr-settings-").FullName;
        var config = Path.Combine(dir, "summit-dr.json");
        File.WriteAllText(config, """
            { "Remote": { "Endpoint": "http://minio.example.test:9000" }, "Metrics": { "PushgatewayUrl": "http://127.0.0.1:9091" } }
            """);
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using var run = await ToolRun.RunAsync(dir, "list");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.Zero, run.Describe());
            Assert.That(run.Stderr, Does.Contain($"chmod 600 {config}"));
            Assert.That(run.Stderr, Does.Contain("Remote:Endpoint is plain http to minio.example.test"));
            Assert.That(run.Stderr, Does.Not.Contain("Metrics:PushgatewayUrl is plain http"), "loopback is this machine");
        });
    }

    [Test]
    public async Task A_passphrase_is_hashed_as_gpg_hashes_it_and_a_short_one_is_warned_of()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        using var gpg = await GpgHome.CreateAsync();
        var passphrase = Path.Combine(platform.WorkDir, "short.pass");
        File.WriteAllText(passphrase, "tiny-pw\n");

        using var backup = await ToolRun.RunAsync(
            platform.WorkDir, "backup", "--only", "postgres", "--set", "Encryption:PassphraseFile=" + passphrase);
        Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        var packets = await gpg.ListPacketsAsync(
            Path.Combine(platform.BackupRoot, platform.VisibleBackups().Single(), "postgres.dump"), "tiny-pw");

        Assert.That(backup.Stderr, Does.Contain("has 7 characters").And.Contain("Use 12 or more"));
        Assert.That(packets.StandardOutput + packets.StandardError, Does.Contain("count 65011712"), "the largest iterated-and-salted S2K " +
            "count, as gpg's own");
    }

    [Test]
    public async Task The_log_of_an_encrypted_backup_goes_off_site_encrypted()
    {
        await using var server = await RemoteServer.StartS3Async();
        await using var platform = await Platform.StartAsync(seed: false);
        using var gpg = await GpgHome.CreateAsync();
        using (var backup = ToolRun.Start(
            platform.WorkDir,
            ["backup", "--only", "postgres", "--push", "--set", "Encryption:PublicKeyFiles=" + gpg.PublicKeyFile, .. server.Settings()],
            server.Environment))
        {
            await backup.WaitAsync(TimeSpan.FromMinutes(3));
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        var name = platform.VisibleBackups().Single();
        var local = File.ReadAllText(Path.Combine(platform.BackupRoot, name, "summit-dr.log"));
        var remote = Path.Combine(platform.WorkDir, "remote.log");
        File.WriteAllBytes(remote, await server.GetAsync($"summit-dr/{name}/summit-dr.log"));
        var decrypted = await gpg.DecryptAsync(remote, remote + ".txt");

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(remote), Does.Not.Contain("Backup " + name), "off-site the log is not plaintext");
            Assert.That(decrypted.ExitCode, Is.Zero, decrypted.StandardError);
            Assert.That(File.ReadAllText(remote + ".txt"), Is.EqualTo(local), "gpg opens it into the log as it is here");
            Assert.That(Directory.GetFiles(Path.Combine(platform.BackupRoot, name), ".summit-dr-push-*"), Is.Empty, "the encrypted copy " +
                "made for the push is gone");
        });
    }
}
