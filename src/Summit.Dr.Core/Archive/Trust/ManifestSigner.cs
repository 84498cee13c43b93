using Microsoft.Extensions.Options;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Summit.Dr.Archive.Encryption;
using Summit.Dr.Configuration;
using Summit.Dr.IO;
using Summit.Dr.Model;
using Summit.Dr.Steps;

namespace Summit.Dr.Archive.Trust;

/// <summary>
/// Signs each backup's manifest with the backup host's key (Signing:SecretKeyFile), into manifest.json.sig
/// beside it. The manifest holds every artifact's size and SHA-256, so the signature covers the backup.
/// </summary>
public sealed class ManifestSigner
{
    private readonly SigningOptions _options;
    private readonly SecretFiles _secrets;
    private readonly TimeProvider _time;
    private readonly Lazy<(PgpSecretKey Key, PgpPrivateKey Private)> _key;

    public ManifestSigner(IOptions<SummitDrOptions> options, SecretFiles secrets, TimeProvider time)
    {
        _options = options.Value.Signing;
        _secrets = secrets;
        _time = time;
        _key = new(() =>
        {
            var path = _secrets.Paths(_options.SecretKeyFile).Single();
            var key = OpenPgpSignatures.ReadSigningKey(path, "Signing:SecretKeyFile");
            var passphrase = _secrets.Passphrase(_options.PassphraseFile, "Signing:PassphraseFile", SigningOptions.PassphraseVariable);
            return (key, OpenPgpSignatures.Unlock(key, passphrase, $"Signing:PassphraseFile or {SigningOptions.PassphraseVariable}"));
        });
    }

    /// <summary>Backups are signed: Signing:SecretKeyFile is set.</summary>
    public bool Enabled => _options.SecretKeyFile is { Length: > 0 };

    /// <summary>The signing key's fingerprint; reads and unlocks it, so a key that cannot sign fails the run before anything is
    /// stopped.</summary>
    public string? Describe() => Enabled ? OpenPgpSignatures.Fingerprint(_key.Value.Key.PublicKey) : null;

    /// <summary>The manifest in <paramref name="directory"/> signed, when backups are signed (<see cref="SignAsync"/>).</summary>
    public Script Sign(string directory) => Enabled
        ? Script.InProcess(
            $"signed by {Describe()} into {Path.Combine(directory, BackupManifest.SignatureFileName)} (`gpg --verify manifest.json.sig " +
                $"manifest.json` checks it)",
            token => SignAsync(directory, token))
        : Script.Empty;

    /// <summary>An armored detached signature of <paramref name="document"/> (a WAL ledger).</summary>
    public byte[] Sign(byte[] document)
    {
        var (key, privateKey) = _key.Value;
        using var signature = new MemoryStream();
        OpenPgpSignatures.SignDetached(new MemoryStream(document), signature, key, privateKey, _time.GetUtcNow().UtcDateTime);
        return signature.ToArray();
    }

    /// <summary>Whether this host's own key signed <paramref name="document"/>: null when it did, else the problem.</summary>
    public string? Verify(byte[] document, byte[] signature)
    {
        var key = _key.Value.Key.PublicKey;
        var fingerprint = OpenPgpSignatures.Fingerprint(key);
        return OpenPgpSignatures.Verify(document, signature, [new TrustedKey(key, fingerprint, "this host's signing key")]).Problem;
    }

    /// <summary>Writes DIRECTORY/manifest.json.sig, flushed, readable by its owner only.</summary>
    public async Task SignAsync(string directory, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        var (key, privateKey) = _key.Value;
        await using (var manifest = SafeFiles.OpenRead(Path.Combine(directory, BackupManifest.FileName)))
        await using (var signature = PrivateFiles.Create(Path.Combine(directory, BackupManifest.SignatureFileName)))
        {
            OpenPgpSignatures.SignDetached(manifest, signature, key, privateKey, _time.GetUtcNow().UtcDateTime);
            await signature.FlushAsync(cancellationToken);
            signature.Flush(flushToDisk: true);
        }
    }
}
