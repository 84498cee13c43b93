using System.Security.Cryptography;
using Summit.Dr.Archive.Encryption;
using Summit.Dr.Errors;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// The OpenPGP messages summit-dr writes, against Debian's real gpg: gpg opens what summit-dr encrypts (to a
/// key and to a passphrase), summit-dr opens what gpg encrypts, and a wrong key or a changed byte is refused.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
[NonParallelizable]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class OpenPgpTests
{
    private static readonly Func<string, IntegrityException> Refuse = failures => new IntegrityException("no key opens it" + failures);

    private GpgHome _alice = null!;
    private GpgHome _bob = null!;
    private string _work = null!;

    [OneTimeSetUp]
    public async Task CreateKeys()
    {
        _alice = await GpgHome.CreateAsync("Alice Ops <alice@example.test>");
        _bob = await GpgHome.CreateAsync("Bob Ops <bob@example.test>", passphrase: "bob's secret");
    }

    [OneTimeTearDown]
    public void RemoveKeys()
    {
        _alice.Dispose();
        _bob.Dispose();
    }

    [SetUp]
    public void CreateWork() => _work = Directory.CreateTempSubdirectory("summit-dr-pgp-").FullName;

    [TearDown]
    public void RemoveWork() => Directory.Delete(_work, recursive: true);

    [Test]
    public void The_encryption_subkey_is_chosen_over_the_signing_only_primary_key()
    {
        var (key, record) = OpenPgp.ReadRecipient(_alice.PublicKeyFile);

        Assert.Multiple(() =>
        {
            Assert.That(record.Fingerprint, Is.EqualTo(_alice.Fingerprint));
            Assert.That(record.KeyId, Is.EqualTo(_alice.EncryptionKeyId));
            Assert.That(key.IsMasterKey, Is.False);
            Assert.That(record.UserId, Is.EqualTo("Alice Ops <alice@example.test>"));
        });
    }

    [Test]
    public async Task Gpg_decrypts_what_summit_dr_encrypts_to_two_keys_and_a_passphrase()
    {
        var plain = Write("plain.bin", RandomNumberGenerator.GetBytes(3 << 20));
        var encrypted = Path.Combine(_work, "plain.bin.pgp");
        await using (var file = File.Create(encrypted))
        await using (
            var encrypting = OpenPgp.Encrypt(
                file, [OpenPgp.ReadRecipient(_alice.PublicKeyFile).Key, OpenPgp.ReadRecipient(_bob.PublicKeyFile).Key],
                "correct horse".ToCharArray(), "plain.bin", DateTime.UtcNow))
        await using (var source = File.OpenRead(plain))
        {
            await source.CopyToAsync(encrypting);
        }

        var byAlice = await _alice.DecryptAsync(encrypted, Path.Combine(_work, "alice.out"));
        var byBob = await _bob.DecryptAsync(encrypted, Path.Combine(_work, "bob.out"));
        using var nobody = await GpgHome.CreateAsync("Carol <carol@example.test>");
        var byPassphrase = await nobody.DecryptAsync(encrypted, Path.Combine(_work, "passphrase.out"), symmetric: "correct horse");

        Assert.Multiple(() =>
        {
            Assert.That(byAlice.ExitCode, Is.Zero, byAlice.StandardError);
            Assert.That(byBob.ExitCode, Is.Zero, byBob.StandardError);
            Assert.That(byPassphrase.ExitCode, Is.Zero, byPassphrase.StandardError);
            Assert.That(Hash("alice.out"), Is.EqualTo(Hash("plain.bin")));
            Assert.That(Hash("bob.out"), Is.EqualTo(Hash("plain.bin")));
            Assert.That(Hash("passphrase.out"), Is.EqualTo(Hash("plain.bin")));
            Assert.That(byAlice.StandardError, Does.Contain("AES256").And.Not.Contain("WARNING: message was not integrity protected"));
        });
    }

    [Test]
    public async Task Summit_dr_reads_what_gpg_encrypts_with_a_protected_secret_key_and_its_passphrase()
    {
        var plain = Write("plain.bin", RandomNumberGenerator.GetBytes(1 << 20));
        var encrypted = Path.Combine(_work, "plain.gpg");
        var made = await _bob.EncryptAsync(plain, encrypted);
        Assert.That(made.ExitCode, Is.Zero, made.StandardError);

        await using var input = File.OpenRead(encrypted);
        await using var decrypted = OpenPgp.Decrypt(
            input, OpenPgp.ReadSecretKeys([_bob.SecretKeyFile]), "bob's secret".ToCharArray(), null, "plain.gpg", Refuse);
        using var output = new MemoryStream();
        await decrypted.CopyToAsync(output);

        Assert.That(SHA256.HashData(output.ToArray()), Is.EqualTo(SHA256.HashData(File.ReadAllBytes(plain))));
    }

    [Test]
    public void A_wrong_key_or_a_locked_one_is_refused_before_any_plaintext_is_read()
    {
        var encrypted = EncryptTo(_alice, RandomNumberGenerator.GetBytes(4096));

        var wrong = Assert.Throws<IntegrityException>(
            () => OpenPgp.Decrypt(
                File.OpenRead(encrypted), OpenPgp.ReadSecretKeys([_bob.SecretKeyFile]), "bob's secret".ToCharArray(), null, "x.pgp",
                Refuse));
        var bobs = EncryptTo(_bob, RandomNumberGenerator.GetBytes(4096));
        var locked = Assert.Throws<IntegrityException>(
            () => OpenPgp.Decrypt(
                File.OpenRead(bobs), OpenPgp.ReadSecretKeys([_bob.SecretKeyFile]), "not it".ToCharArray(), null, "x.pgp", Refuse));
        var noPassphrase = Assert.Throws<IntegrityException>(
            () => OpenPgp.Decrypt(File.OpenRead(encrypted), [], null, "guess".ToCharArray(), "x.pgp", Refuse));

        Assert.Multiple(() =>
        {
            Assert.That(wrong!.Message, Is.EqualTo("no key opens it"));
            Assert.That(locked!.Message, Does.Contain("is protected"));
            Assert.That(noPassphrase!.Message, Is.EqualTo("no key opens it"));
            Assert.That(wrong.ExitCode, Is.EqualTo(ExitCodes.Integrity));
        });
    }

    [Test]
    public async Task A_changed_byte_fails_the_integrity_check_by_the_end_of_the_read()
    {
        var encrypted = EncryptTo(_alice, RandomNumberGenerator.GetBytes(256 << 10));
        var bytes = await File.ReadAllBytesAsync(encrypted);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(encrypted, bytes);

        var failure = Assert.ThrowsAsync<IntegrityException>(async () =>
        {
            await using var decrypted = OpenPgp.Decrypt(
                File.OpenRead(encrypted), OpenPgp.ReadSecretKeys([_alice.SecretKeyFile]), null, null, "x.pgp", Refuse);
            await decrypted.CopyToAsync(Stream.Null);
        });

        Assert.That(failure!.Message, Does.Contain("x.pgp"));
    }

    [Test]
    public void A_file_that_is_not_a_key_is_a_usage_error_naming_it()
    {
        var notAKey = Write("key.asc", "hello"u8.ToArray());

        var failure = Assert.Throws<UsageException>(() => OpenPgp.ReadRecipient(notAKey));

        Assert.That(failure!.Message, Does.Contain(notAKey).And.Contain("Encryption:PublicKeyFiles"));
    }

    private string EncryptTo(GpgHome home, byte[] content)
    {
        var path = Path.Combine(_work, Guid.NewGuid().ToString("N") + ".pgp");
        using var file = File.Create(path);
        using var encrypting = OpenPgp.Encrypt(file, [OpenPgp.ReadRecipient(home.PublicKeyFile).Key], null, "x", DateTime.UtcNow);
        encrypting.Write(content);
        return path;
    }

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_work, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private string Hash(string name) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(_work, name))));
}
