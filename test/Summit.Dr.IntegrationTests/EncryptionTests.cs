using System.Security.Cryptography;
using System.Text.Json;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// Encryption at rest on the real engine: a backup encrypted to a public key is opened by Debian's gpg
/// without summit-dr, restores, checks and drills with the secret key, and is refused with exit 4, nothing
/// touched, without it. A passphrase comes from the environment and appears nowhere.
/// </summary>
[TestFixture]
[CancelAfter(600_000)]
public sealed class EncryptionTests
{
    [Test]
    public async Task An_encrypted_backup_opens_with_gpg_restores_checks_and_drills_with_the_secret_key_and_is_refused_without_it()
    {
        using var ops = await GpgHome.CreateAsync("Summit Ops <ops@example.test>");
        using var other = await GpgHome.CreateAsync("Someone Else <else@example.test>");
        await using var platform = await Platform.StartAsync();
        var seeded = await PlatformState.CaptureAsync(platform);
        string[] encrypt = ["--set", "Encryption:PublicKeyFiles=" + ops.PublicKeyFile];
        string[] decrypt = ["--set", "Encryption:SecretKeyFiles=" + ops.SecretKeyFile];

        using (var backup = await ToolRun.RunAsync(platform.WorkDir, ["backup", .. encrypt]))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        var directory = Path.Combine(platform.BackupRoot, platform.VisibleBackups().Single());
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "manifest.json")));
        var encryption = manifest.RootElement.GetProperty("encryption");
        Assert.Multiple(() =>
        {
            Assert.That(manifest.RootElement.GetProperty("formatVersion").GetInt32(), Is.EqualTo(2));
            Assert.That(encryption.GetProperty("format").GetString(), Is.EqualTo("openpgp"));
            Assert.That(encryption.GetProperty("cipher").GetString(), Is.EqualTo("AES-256"));
            Assert.That(encryption.GetProperty("recipients")[0].GetProperty("fingerprint").GetString(), Is.EqualTo(ops.Fingerprint));
            Assert.That(encryption.GetProperty("recipients")[0].GetProperty("keyId").GetString(), Is.EqualTo(ops.EncryptionKeyId));
            Assert.That(encryption.GetProperty("passphrase").GetBoolean(), Is.False);
        });

        // gpg opens every artifact without summit-dr, and the manifest's checksums are the ciphertext's.
        var magic = new Dictionary<string, byte[]> { ["postgres.dump"] = "PGDMP"u8.ToArray(), ["uploads.tar.gz"] = [0x1f, 0x8b] };
        foreach (var file in new[] { "postgres.dump", "neo4j.dump", "uploads.tar.gz" })
        {
            var artifact = manifest.RootElement.EnumerateObject().Select(p => p.Value).Where(
                v => v.ValueKind == JsonValueKind.Object && v.TryGetProperty("artifact", out var a) && a.ValueKind == JsonValueKind.Object)
                .Select(v => v.GetProperty("artifact")).Single(a => a.GetProperty("file").GetString() == file);
            var path = Path.Combine(directory, file);
            var plain = Path.Combine(platform.WorkDir, file + ".plain");
            var opened = await ops.DecryptAsync(path, plain);
            Assert.That(opened.ExitCode, Is.Zero, $"gpg --decrypt {file}: {opened.StandardError}");
            Assert.Multiple(() =>
            {
                Assert.That(Sha256(path), Is.EqualTo(artifact.GetProperty("sha256").GetString()), file);
                Assert.That(new FileInfo(plain).Length, Is.GreaterThan(0), file);
                Assert.That(File.ReadAllBytes(path).AsSpan(0, 5).SequenceEqual("PGDMP"u8), Is.False, $"{file} is not plaintext on disk");
                if (magic.TryGetValue(file, out var expected))
                {
                    Assert.That(File.ReadAllBytes(plain).AsSpan(0, expected.Length).ToArray(), Is.EqualTo(expected), $"{file} decrypts " +
                        $"to its format");
                }
            });
        }

        await platform.ChangeEverythingAsync();
        var changed = await PlatformState.CaptureAsync(platform);

        // Without the secret key, or with someone else's: exit 4 naming the recipient, nothing touched.
        foreach (var keys in new[] { encrypt, ["--set", "Encryption:SecretKeyFiles=" + other.SecretKeyFile] })
        {
            using var refused = await ToolRun.RunAsync(platform.WorkDir, ["restore", "latest", "--yes", .. keys]);
            Assert.Multiple(() =>
            {
                Assert.That(refused.ExitCode, Is.EqualTo(4), refused.Describe());
                Assert.That(refused.Stderr, Does.Contain(ops.Fingerprint).And.Contain("Summit Ops " +
                    "<ops@example.test>").And.Contain("Encryption:SecretKeyFiles"));
            });
            changed.AssertEqual(await PlatformState.CaptureAsync(platform), "after a refused restore");
        }

        using (var check = await ToolRun.RunAsync(platform.WorkDir, ["check", "latest", .. decrypt]))
        {
            Assert.That(check.ExitCode, Is.Zero, check.Describe());
        }

        using (var check = await ToolRun.RunAsync(platform.WorkDir, "check", "latest"))
        {
            Assert.That(check.ExitCode, Is.EqualTo(4), "check without the key cannot read the dumps: " + check.Describe());
        }

        using (var restore = await ToolRun.RunAsync(platform.WorkDir, ["restore", "latest", "--yes", .. decrypt]))
        {
            Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
        }

        seeded.AssertEqual(await PlatformState.CaptureAsync(platform), "after restoring the encrypted backup");

        using var drill = await ToolRun.RunAsync(platform.WorkDir, ["drill", "latest", "--json", .. decrypt]);
        Assert.That(drill.ExitCode, Is.Zero, drill.Describe());
        using var proof = JsonDocument.Parse(drill.Stdout);
        Assert.That(proof.RootElement.GetProperty("status").GetString(), Is.EqualTo("proven"));
    }

    [Test]
    public async Task A_passphrase_from_the_environment_encrypts_opens_with_gpg_and_appears_nowhere_and_a_wrong_one_is_refused()
    {
        const string passphrase = "summit-dr passphrase 7f3a";
        await using var platform = await Platform.StartAsync();
        using (var backup = ToolRun.Start(
            platform.WorkDir, ["backup", "--only", "postgres,uploads"],
            new Dictionary<string, string> { ["SUMMIT_DR_ENCRYPTION_PASSPHRASE"] = passphrase }))
        {
            await backup.WaitAsync(TimeSpan.FromMinutes(4));
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
            Assert.That(backup.Stdout + backup.Stderr, Does.Not.Contain(passphrase));
        }

        var directory = Path.Combine(platform.BackupRoot, platform.VisibleBackups().Single());
        var written = string.Join(
            '\n', Directory.GetFiles(directory).Where(
                f => !f.EndsWith(".dump", StringComparison.Ordinal) && !f.EndsWith(".gz", StringComparison.Ordinal)).Select(
                    File.ReadAllText));
        Assert.That(written, Does.Not.Contain(passphrase), "manifest and log hold no secret");
        Assert.That(written, Does.Contain("\"passphrase\": true").Or.Contain("\"passphrase\":true"));

        using var nobody = await GpgHome.CreateAsync();
        var plain = Path.Combine(platform.WorkDir, "postgres.dump.plain");
        var opened = await nobody.DecryptAsync(Path.Combine(directory, "postgres.dump"), plain, symmetric: passphrase);
        Assert.That(opened.ExitCode, Is.Zero, opened.StandardError);
        Assert.That(File.ReadAllBytes(plain).AsSpan(0, 5).SequenceEqual("PGDMP"u8), Is.True);

        await platform.ChangeEverythingAsync();
        var changed = await PlatformState.CaptureAsync(platform);
        using var refused = ToolRun.Start(
            platform.WorkDir, ["restore", "latest", "--yes"],
            new Dictionary<string, string> { ["SUMMIT_DR_ENCRYPTION_PASSPHRASE"] = "not the passphrase" });
        await refused.WaitAsync(TimeSpan.FromMinutes(4));
        Assert.Multiple(() =>
        {
            Assert.That(refused.ExitCode, Is.EqualTo(4), refused.Describe());
            Assert.That(refused.Stderr, Does.Contain("a passphrase").And.Contain("SUMMIT_DR_ENCRYPTION_PASSPHRASE"));
        });
        changed.AssertEqual(await PlatformState.CaptureAsync(platform), "after a refused restore");
    }

    private static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }
}
