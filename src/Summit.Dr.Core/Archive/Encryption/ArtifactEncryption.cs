using Microsoft.Extensions.Options;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Model;

namespace Summit.Dr.Archive.Encryption;

/// <summary>
/// Encryption at rest, in one place: the backup writes every artifact through <see cref="Encrypt"/> when a
/// public key or a passphrase is configured, and every reader of a backup (restore, check, drill) opens its
/// artifacts through <see cref="Open"/> or <see cref="OpenHashing"/>, which decrypt when the manifest says the
/// backup is encrypted. Keys are read once, when first needed; secrets come from files or the environment.
/// </summary>
public sealed class ArtifactEncryption
{
    private readonly EncryptionOptions _options;
    private readonly SecretFiles _secrets;
    private readonly TimeProvider _time;
    private readonly Lazy<IReadOnlyList<(PgpPublicKey Key, RecipientRecord Record)>> _recipients;
    private readonly Lazy<IReadOnlyList<PgpSecretKeyRingBundle>> _secretKeys;

    /// <summary>Shorter than this, a passphrase falls to offline guessing however many times it is hashed.</summary>
    public const int ShortPassphrase = 12;

    private readonly Microsoft.Extensions.Logging.ILogger<ArtifactEncryption> _logger;

    public ArtifactEncryption(
        IOptions<SummitDrOptions> options, SecretFiles secrets, TimeProvider time,
        Microsoft.Extensions.Logging.ILogger<ArtifactEncryption> logger)
    {
        _logger = logger;
        _options = options.Value.Encryption;
        _secrets = secrets;
        _time = time;
        _recipients = new(() => Paths(_options.PublicKeyFiles).Select(OpenPgp.ReadRecipient).ToList());
        _secretKeys = new(() => OpenPgp.ReadSecretKeys(Paths(_options.SecretKeyFiles)));
    }

    /// <summary>Backups are encrypted: a public key file or a passphrase is configured.</summary>
    public bool Enabled => Paths(_options.PublicKeyFiles).Count > 0 || Passphrase() is not null;

    /// <summary>What the manifest of a backup written now records, or null when encryption is off. Reads the public keys.</summary>
    public EncryptionRecord? Describe()
    {
        if (!Enabled)
        {
            return null;
        }

        var passphrase = Passphrase();
        if (passphrase is { Length: < ShortPassphrase })
        {
            Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(_logger,
                "The passphrase backups are encrypted to has {Length} characters: whoever holds a copy can try guesses offline. Use " +
                    "{Minimum} or more",
                passphrase.Length, ShortPassphrase);
        }

        return new EncryptionRecord(
            OpenPgp.Format, OpenPgp.Cipher, IntegrityProtected: true, _recipients.Value.Select(r => r.Record).ToList(),
            passphrase is not null);
    }

    /// <summary>A private, encrypted copy of <paramref name="source"/> at <paramref name="destination"/> (replaced), flushed: what goes
    /// off-site beside encrypted artifacts.</summary>
    public async Task EncryptFileAsync(string source, string destination, string name, CancellationToken cancellationToken)
    {
        File.Delete(destination);
        await using var output = PrivateFiles.Create(destination);
        await using (var encrypting = Encrypt(output, name))
        await using (var plain = ArtifactFiles.OpenRead(source))
        {
            await plain.CopyToAsync(encrypting, cancellationToken);
        }

        output.Flush(flushToDisk: true);
    }

    /// <summary>How many secret keys the configured files hold (reads them); 0 when none is configured.</summary>
    public int SecretKeyCount() => _secretKeys.Value.Sum(b => b.Count);

    /// <summary>A stream that encrypts into <paramref name="output"/>; disposing it ends the message, not <paramref
    /// name="output"/>.</summary>
    public Stream Encrypt(Stream output, string file) =>
        OpenPgp.Encrypt(output, _recipients.Value.Select(r => r.Key), Passphrase(), file, _time.GetUtcNow().UtcDateTime);

    /// <summary>The plaintext of one artifact of <paramref name="backup"/>, decrypted when the backup is encrypted (a plain file is not
    /// hashed on the way).</summary>
    public Stream Open(OpenedBackup backup, BackupComponent component) => Open(backup.Directory, backup.Manifest, component);

    /// <summary>
    /// One artifact of <paramref name="backup"/>, read once: the plaintext for the consumer, the SHA-256 of the
    /// file (the ciphertext, as the manifest records it) from <see cref="HashingReadStream.FinishAsync"/>.
    /// </summary>
    public HashingReadStream OpenHashing(OpenedBackup backup, BackupComponent component) =>
        OpenHashing(backup.Directory, backup.Manifest, component);

    /// <summary>
    /// The uploads archive's gzip trailer, read through the handle the archive is read with; only a plaintext file shows
    /// one (an encrypted archive is protected by its integrity check instead).
    /// </summary>
    public static (uint Crc, uint Length)? UploadsTrailer(OpenedBackup backup, HashingReadStream archive) =>
        backup.Manifest?.Encryption is null ? GzipTrailer.Of(archive) : null;

    /// <summary>
    /// Before anything is touched: every artifact of an encrypted backup opens with the configured keys (its
    /// session key is decrypted; nothing more is read). A missing or wrong key is an <see cref="IntegrityException"/>
    /// (exit 4) that names the recipients the backup needs.
    /// </summary>
    public void RequireKeys(OpenedBackup backup)
    {
        if (backup.Manifest?.Encryption is null)
        {
            return;
        }

        foreach (var component in backup.Present)
        {
            using var opened = Open(backup, component);
        }
    }

    private Stream Open(string directory, BackupManifest? manifest, BackupComponent component) => manifest?.Encryption is null
        ? ArtifactFiles.OpenRead(Path.Combine(directory, BackupLayout.FileOf(component)))
        : OpenHashing(directory, manifest, component);

    private HashingReadStream OpenHashing(string directory, BackupManifest? manifest, BackupComponent component) =>
        OpenHashing(directory, manifest, BackupLayout.FileOf(component));

    /// <summary>
    /// Any artifact of a backup by its name (the PostgreSQL base backup beside the dump), read once: the plaintext,
    /// and the SHA-256 of the file as the manifest records it.
    /// </summary>
    public HashingReadStream OpenHashing(string directory, BackupManifest? manifest, string file)
    {
        var encryption = manifest?.Encryption;
        return new HashingReadStream(
            ArtifactFiles.OpenRead(Path.Combine(directory, file)),
            encryption is null ? null : ciphertext => Decrypt(ciphertext, encryption, file));
    }

    private Stream Decrypt(Stream ciphertext, EncryptionRecord encryption, string file)
    {
        if (!string.Equals(encryption.Format, OpenPgp.Format, StringComparison.Ordinal))
        {
            throw new IntegrityException($"{file} is encrypted in a format this summit-dr does not read ({encryption.Format}). Upgrade " +
                $"summit-dr.");
        }

        return OpenPgp.Decrypt(ciphertext, _secretKeys.Value, SecretKeyPassphrase(), Passphrase(), file, failures => new IntegrityException(
            $"{file} is encrypted to {Describe(encryption)}, and none of the configured keys opens it{failures}. " +
            "Set Encryption:SecretKeyFiles to the armored secret key of one of them" +
            (encryption.Passphrase ? $", or the passphrase in Encryption:PassphraseFile or " +
                $"{EncryptionOptions.PassphraseVariable}" : string.Empty) +
            ". Nothing was touched."));
    }

    private static string Describe(EncryptionRecord encryption)
    {
        var parts = encryption.Recipients.Select(r => r.UserId is { Length: > 0 } user ? $"{r.Fingerprint} " +
            $"({user})" : r.Fingerprint).ToList();
        if (encryption.Passphrase)
        {
            parts.Add("a passphrase");
        }

        return parts.Count == 0 ? "nothing summit-dr knows" : string.Join(", ", parts);
    }

    private char[]? Passphrase() => Secret(_options.PassphraseFile, "Encryption:PassphraseFile", EncryptionOptions.PassphraseVariable);

    private char[]? SecretKeyPassphrase() =>
        Secret(_options.SecretKeyPassphraseFile, "Encryption:SecretKeyPassphraseFile", EncryptionOptions.SecretKeyPassphraseVariable);

    private IReadOnlyList<string> Paths(string? list) => _secrets.Paths(list);

    private char[]? Secret(string? path, string setting, string variable) => _secrets.Passphrase(path, setting, variable);
}
