using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Bcpg.Sig;
using Summit.Dr.Errors;

namespace Summit.Dr.Archive.Encryption;

/// <summary>
/// Detached OpenPGP signatures of a file, through BouncyCastle: a binary-document signature (SHA-256) by a
/// key that may sign, written armored, as `gpg --armor --detach-sign` writes it and `gpg --verify SIG FILE`
/// checks it; and the check of such a signature, made by summit-dr or by gpg, against trusted public keys.
/// </summary>
public static class OpenPgpSignatures
{
    /// <summary>The key of an armored secret key file that may sign (a signing subkey before the primary key). Throws <see
    /// cref="UsageException"/>.</summary>
    public static PgpSecretKey ReadSigningKey(string path, string setting)
    {
        PgpSecretKeyRingBundle bundle;
        try
        {
            using var file = File.OpenRead(path);
            bundle = new PgpSecretKeyRingBundle(PgpUtilities.GetDecoderStream(file));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PgpException)
        {
            throw new UsageException($"{setting}: cannot read an OpenPGP secret key from {path}: {ex.Message}. Export one with `gpg " +
                $"--armor --export-secret-keys KEY > {Path.GetFileName(path)}`.", ex);
        }

        var now = DateTime.UtcNow;
        return bundle.GetKeyRings()
            .SelectMany(ring => ring.GetSecretKeys())
            .Where(k => k.IsSigningKey && !k.IsPrivateKeyEmpty && MaySign(k.PublicKey, now))
            .OrderBy(k => k.IsMasterKey)
            .FirstOrDefault()
            ?? throw new UsageException($"{setting}: {path} holds no secret key that may sign (every key is for encryption only, revoked " +
                $"or expired). Use a key made with `gpg --quick-gen-key ID ed25519 sign`.");
    }

    /// <summary>The public keys of armored key files, every key of every ring (a signature may come from a subkey), each with its primary
    /// key. Throws <see cref="UsageException"/>.</summary>
    public static IReadOnlyList<TrustedKey> ReadTrustedKeys(IEnumerable<string> paths, string setting) => paths.SelectMany(path =>
    {
        try
        {
            using var file = File.OpenRead(path);
            return new PgpPublicKeyRingBundle(PgpUtilities.GetDecoderStream(file)).GetKeyRings()
                .SelectMany(r =>
                    r.GetPublicKeys().Select(
                        k => new TrustedKey(k, Fingerprint(r.GetPublicKey()), r.GetPublicKey().GetUserIds().FirstOrDefault())))
                .ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PgpException)
        {
            throw new UsageException($"{setting}: cannot read an OpenPGP public key from {path}: {ex.Message}. Export one with `gpg " +
                $"--armor --export KEY > {Path.GetFileName(path)}`.", ex);
        }
    }).ToList();

    /// <summary>The private half of <paramref name="key"/>; a wrong or missing passphrase is a <see cref="UsageException"/> naming where
    /// it comes from.</summary>
    public static PgpPrivateKey Unlock(PgpSecretKey key, char[]? passphrase, string from)
    {
        try
        {
            return key.ExtractPrivateKeyUtf8(passphrase ?? []);
        }
        catch (PgpException ex)
        {
            throw new UsageException($"The signing key {Fingerprint(key.PublicKey)} is protected and {from} does not unlock it.", ex);
        }
    }

    /// <summary>Signs <paramref name="document"/>'s bytes into <paramref name="signature"/>, armored.</summary>
    public static void SignDetached(Stream document, Stream signature, PgpSecretKey key, PgpPrivateKey privateKey, DateTime now)
    {
        var generator = new PgpSignatureGenerator(key.PublicKey.Algorithm, HashAlgorithmTag.Sha256);
        generator.InitSign(PgpSignature.BinaryDocument, privateKey);
        var hashed = new PgpSignatureSubpacketGenerator();
        hashed.SetSignatureCreationTime(false, now);
        hashed.SetIssuerFingerprint(false, key.PublicKey);
        generator.SetHashedSubpackets(hashed.Generate());
        var unhashed = new PgpSignatureSubpacketGenerator();
        unhashed.SetIssuerKeyID(false, key.KeyId);
        generator.SetUnhashedSubpackets(unhashed.Generate());
        var buffer = new byte[1 << 14];
        int read;
        while ((read = document.Read(buffer)) > 0)
        {
            generator.Update(buffer, 0, read);
        }

        using var armored = new ArmoredOutputStream(signature);
        generator.Generate().Encode(armored);
    }

    /// <summary>
    /// Checks a detached signature (armored or binary) of <paramref name="document"/> against <paramref name="trusted"/>.
    /// Returns the fingerprint of the primary key behind the signing key, or the reason it is not accepted.
    /// </summary>
    public static (string? Signer, string? Problem) Verify(byte[] document, byte[] signature, IReadOnlyList<TrustedKey> trusted)
    {
        PgpSignatureList? signatures;
        try
        {
            signatures = new PgpObjectFactory(
                PgpUtilities.GetDecoderStream(new MemoryStream(signature))).NextPgpObject() as PgpSignatureList;
        }
        catch (Exception ex) when (ex is IOException or PgpException)
        {
            return (null, $"its signature does not parse ({ex.Message})");
        }

        if (signatures is null || signatures.Count == 0)
        {
            return (null, "its signature file holds no signature");
        }

        foreach (var sig in Enumerable.Range(0, signatures.Count).Select(i => signatures[i]))
        {
            if (trusted.FirstOrDefault(k => k.Key.KeyId == sig.KeyId) is not { } found)
            {
                continue;
            }

            var key = found.Key;
            sig.InitVerify(key);
            sig.Update(document);
            if (!sig.Verify())
            {
                return (null, $"its signature by {KeyId(sig.KeyId)} does not match it: the file was changed after it was signed");
            }

            return key.HasRevocation() || !MaySign(key, sig.CreationTime)
                ? (null, $"it was signed by {KeyId(sig.KeyId)}, a key that is revoked or expired")
                : (found.PrimaryFingerprint, null);
        }

        return (null, $"it is signed by " +
            $"{string.Join(", ", Enumerable.Range(0, signatures.Count).Select(i => KeyId(signatures[i].KeyId)))}, which is not a trusted " +
                $"key");
    }

    public static string Fingerprint(PgpPublicKey key) => Convert.ToHexString(key.GetFingerprint());

    private static string KeyId(long keyId) => keyId.ToString("X16", System.Globalization.CultureInfo.InvariantCulture);

    private static bool MaySign(PgpPublicKey key, DateTime at)
    {
        if (key.GetValidSeconds() is > 0 and var seconds && key.CreationTime.AddSeconds(seconds) < at)
        {
            return false;
        }

        var flags = key.GetSignatures().OfType<PgpSignature>()
            .Select(s => s.GetHashedSubPackets())
            .Where(p => p?.HasSubpacket(SignatureSubpacketTag.KeyFlags) == true)
            .Select(p => p.GetKeyFlags())
            .FirstOrDefault();
        return flags == 0 ? key.IsMasterKey : (flags & KeyFlags.SignData) != 0;
    }
}
