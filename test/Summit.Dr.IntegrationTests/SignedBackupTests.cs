using System.Text.Json;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// Signed backups against Debian's gpg, both ways: gpg verifies the manifest signatures summit-dr writes (with
/// an Ed25519 and an RSA key), summit-dr accepts a signature gpg made; with trusted keys set, an unsigned
/// backup, one signed by another key and one whose manifest was changed are refused (exit 4, nothing touched),
/// `latest` passes them over, and --allow-unsigned is the one way past, said in the log and the JSON.
/// </summary>
[TestFixture]
[CancelAfter(600_000)]
[NonParallelizable]
public sealed class SignedBackupTests
{
    private const string SigningPassphrase = "signing passphrase 2026";

    [TestCase("ed25519")]
    [TestCase("rsa3072")]
    public async Task A_signed_backup_is_verified_by_gpg_and_accepted_with_its_key_trusted(string algorithm)
    {
        await using var platform = await Platform.StartAsync(seed: false);
        using var host = await GpgHome.CreateAsync("Backup host <backup@example.test>", SigningPassphrase, algorithm);
        var passphrase = Path.Combine(host.Directory, "signing.pass");
        File.WriteAllText(passphrase, SigningPassphrase + "\n");

        using var backup = await ToolRun.RunAsync(
            platform.WorkDir, "backup", "--only", "postgres", "--set", "Signing:SecretKeyFile=" + host.SecretKeyFile, "--set",
            "Signing:PassphraseFile=" + passphrase);
        Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        var directory = Path.Combine(platform.BackupRoot, platform.VisibleBackups().Single());
        var verify = await host.VerifyAsync(Path.Combine(directory, "manifest.json.sig"), Path.Combine(directory, "manifest.json"));
        using var check = await ToolRun.RunAsync(
            platform.WorkDir, "check", "latest", "--json", "--set", "Signing:TrustedKeyFiles=" + host.PublicKeyFile);

        Assert.Multiple(() =>
        {
            Assert.That(verify.ExitCode, Is.Zero, "gpg --verify manifest.json.sig manifest.json: " + verify.StandardError);
            Assert.That(verify.StandardError, Does.Contain("Good signature"));
            Assert.That(check.ExitCode, Is.Zero, check.Describe());
            using var json = JsonDocument.Parse(check.Stdout);
            var trust = json.RootElement.GetProperty("trust");
            Assert.That(trust.GetProperty("signature").GetString(), Is.EqualTo("verified"));
            Assert.That(trust.GetProperty("signer").GetString(), Is.EqualTo(host.Fingerprint));
        });
    }

    [Test]
    public async Task A_signature_gpg_made_by_a_trusted_key_is_accepted()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        using var host = await GpgHome.CreateAsync("Backup host <backup@example.test>", algorithm: "ed25519");
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup", "--only", "postgres"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        var directory = Path.Combine(platform.BackupRoot, platform.VisibleBackups().Single());
        var sign = await host.SignAsync(Path.Combine(directory, "manifest.json"), Path.Combine(directory, "manifest.json.sig"));
        Assert.That(sign.ExitCode, Is.Zero, sign.StandardError);

        using var check = await ToolRun.RunAsync(
            platform.WorkDir, "check", "latest", "--set", "Signing:TrustedKeyFiles=" + host.PublicKeyFile);

        Assert.That(check.ExitCode, Is.Zero, check.Describe());
        Assert.That(check.Stderr, Does.Contain("signed by trusted key " + host.Fingerprint));
    }

    [Test]
    public async Task Unsigned_other_key_and_changed_backups_are_refused_with_4_touching_nothing_and_allow_unsigned_says_so()
    {
        await using var platform = await Platform.StartAsync();
        using var trusted = await GpgHome.CreateAsync("Backup host <backup@example.test>", algorithm: "ed25519");
        using var stranger = await GpgHome.CreateAsync("Stranger <x@example.test>", algorithm: "ed25519");
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        var directory = Path.Combine(platform.BackupRoot, platform.VisibleBackups().Single());
        var manifest = Path.Combine(directory, "manifest.json");
        var signature = Path.Combine(directory, "manifest.json.sig");
        await platform.ChangeEverythingAsync();
        var before = await PlatformState.CaptureAsync(platform);
        string[] trust = ["--set", "Signing:TrustedKeyFiles=" + trusted.PublicKeyFile];

        using var unsignedLatest = await ToolRun.RunAsync(platform.WorkDir, ["restore", "latest", "--yes", .. trust]);
        using var unsigned = await ToolRun.RunAsync(platform.WorkDir, ["restore", directory, "--yes", .. trust]);
        Assert.That((await stranger.SignAsync(manifest, signature)).ExitCode, Is.Zero);
        using var otherKey = await ToolRun.RunAsync(platform.WorkDir, ["restore", directory, "--yes", .. trust]);
        Assert.That((await trusted.SignAsync(manifest, signature)).ExitCode, Is.Zero);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"host\": \"", "\"host\": \"forged-", StringComparison.Ordinal));
        using var changed = await ToolRun.RunAsync(platform.WorkDir, ["drill", directory, .. trust]);

        Assert.Multiple(async () =>
        {
            foreach (var (
                run, says) in new[] { (unsignedLatest, "no backup in"), (unsigned, "has no manifest.json.sig"),
                (otherKey, "which is not a trusted key"), (changed, "was changed after it was signed") })
            {
                Assert.That(run.ExitCode, Is.EqualTo(4), run.Describe());
                Assert.That(run.Stderr.Split('\n').Where(l => l.StartsWith("summit-dr: ", StringComparison.Ordinal)).ToList(),
                    Has.Count.EqualTo(1).And.Some.Contain(says), run.Describe());
            }

            (await PlatformState.CaptureAsync(platform)).AssertEqual(before, "every refused backup left the live platform as it was");
            Assert.That(await platform.KeptTracesAsync() is { Databases.Length: 0, Neo4jEntries.Length: 0, UploadsSiblings.Length: 0 },
                Is.True, "nothing was prepared or kept aside");
        });

        File.Delete(signature);
        using var allowed = await ToolRun.RunAsync(platform.WorkDir, ["check", directory, "--json", "--allow-unsigned", .. trust]);
        Assert.That(allowed.ExitCode, Is.Zero, allowed.Describe());
        using var json = JsonDocument.Parse(allowed.Stdout);
        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("trust").GetProperty("allowedUnsigned").GetBoolean(), Is.True);
            Assert.That(json.RootElement.GetProperty("trust").GetProperty("signature").GetString(), Is.EqualTo("unsigned"));
            Assert.That(allowed.Stderr, Does.Contain("--allow-unsigned").And.Contain("has no manifest.json.sig"));
        });
    }

    [Test]
    public async Task Encryption_required_refuses_a_plaintext_backup_with_4()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup", "--only", "postgres"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        var directory = Path.Combine(platform.BackupRoot, platform.VisibleBackups().Single());
        using var restore = await ToolRun.RunAsync(platform.WorkDir, "restore", directory, "--yes", "--set", "Encryption:Required=true");

        Assert.That(restore.ExitCode, Is.EqualTo(4), restore.Describe());
        Assert.That(restore.Stderr, Does.Contain("it is not encrypted, and Encryption:Required is set"));
    }
}
