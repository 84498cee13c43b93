using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Model;

namespace Summit.Dr.Archive.Encryption;

/// <summary>
/// The OpenPGP messages summit-dr writes and reads, through BouncyCastle: a session key encrypted to each
/// recipient's encryption key and/or a passphrase (S2K, SHA-256), then one AES-256 symmetrically encrypted
/// integrity-protected data packet (SEIPD v1, with its SHA-1 modification detection code) around a binary
/// literal packet. That is the packet format gpg 2.2 reads and writes by default; nothing is compressed,
/// since every artifact is compressed already.
/// </summary>
public static class OpenPgp
{
    public const string Format = "openpgp";
    public const string Cipher = "AES-256";

    private const int BufferSize = 1 << 16;

    /// <summary>The coded S2K count 0xFF: 65,011,712 bytes (RFC 4880, 3.7.1.3).</summary>
    public const int MaxS2kCount = 0xFF;
    private const int LiteralPacketSize = 1 << 12;

    /// <summary>
    /// The key each armored public key file contributes: its newest valid key that may encrypt (by its key
    /// flags, so a signing-only primary key is passed over for its encryption subkey). Throws <see cref="UsageException"/>.
    /// </summary>
    public static (PgpPublicKey Key, RecipientRecord Record) ReadRecipient(string path)
    {
        PgpPublicKeyRingBundle bundle;
        try
        {
            using var file = File.OpenRead(path);
            bundle = new PgpPublicKeyRingBundle(PgpUtilities.GetDecoderStream(file));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PgpException)
        {
            throw new UsageException($"Encryption:PublicKeyFiles: cannot read an OpenPGP public key from {path}: {ex.Message}. Export " +
                $"one with `gpg --armor --export KEY > {Path.GetFileName(path)}`.", ex);
        }

        var now = DateTime.UtcNow;
        foreach (var ring in bundle.GetKeyRings())
        {
            var primary = ring.GetPublicKey();
            if (primary.HasRevocation() || Expired(primary, now))
            {
                continue;
            }

            var key = ring.GetPublicKeys()
                .Where(k => MayEncrypt(k, now))
                .OrderBy(k => k.IsMasterKey)
                .ThenByDescending(k => k.CreationTime)
                .FirstOrDefault();
            if (key is not null)
            {
                return (key, new RecipientRecord(
                    Convert.ToHexString(primary.GetFingerprint()), KeyId(key.KeyId), primary.GetUserIds().FirstOrDefault()));
            }
        }

        throw new UsageException($"Encryption:PublicKeyFiles: {path} holds no valid key that may encrypt (every key is revoked, expired " +
            $"or for signing only). Add an encryption subkey, e.g. `gpg --quick-add-key FINGERPRINT rsa3072 encr`.");
    }

    /// <summary>The secret keys of armored secret key files. Throws <see cref="UsageException"/>.</summary>
    public static IReadOnlyList<PgpSecretKeyRingBundle> ReadSecretKeys(IEnumerable<string> paths) => paths.Select(path =>
    {
        try
        {
            using var file = File.OpenRead(path);
            return new PgpSecretKeyRingBundle(PgpUtilities.GetDecoderStream(file));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PgpException)
        {
            throw new UsageException($"Encryption:SecretKeyFiles: cannot read an OpenPGP secret key from {path}: {ex.Message}. Export " +
                $"one with `gpg --armor --export-secret-keys KEY > {Path.GetFileName(path)}`.", ex);
        }
    }).ToList();

    /// <summary>
    /// A stream that encrypts what is written to it into <paramref name="output"/>. Disposing it writes the
    /// modification detection code and ends the packets; <paramref name="output"/> stays open.
    /// </summary>
    public static Stream Encrypt(Stream output, IEnumerable<PgpPublicKey> recipients, char[]? passphrase, string name, DateTime modified)
    {
        var generator = new PgpEncryptedDataGenerator(SymmetricKeyAlgorithmTag.Aes256, withIntegrityPacket: true, new SecureRandom());
        foreach (var key in recipients)
        {
            generator.AddMethod(key);
        }

        if (passphrase is not null)
        {
            // The largest iterated-and-salted count (65,011,712 bytes hashed per guess), as gpg uses: every guess
            // at a stolen backup's passphrase costs that much.
            generator.AddMethodUtf8(passphrase, HashAlgorithmTag.Sha256, MaxS2kCount);
        }

        var encrypted = generator.Open(output, new byte[BufferSize]);
        // Small literal packets: BouncyCastle's cipher stream encrypts a write of up to 4 KiB on the stack and
        // allocates a fresh array for a larger one, which would churn a gigabyte through the heap.
        var literal = new PgpLiteralDataGenerator().Open(encrypted, PgpLiteralData.Binary, name, modified, new byte[LiteralPacketSize]);
        return new EncryptingStream(literal, encrypted);
    }

    /// <summary>
    /// A stream of the plaintext of the message read from <paramref name="input"/>. The session key is opened
    /// here, so a missing or wrong key fails at once (<see cref="IntegrityException"/> from <paramref name="refuse"/>);
    /// the modification detection code is checked when the plaintext has been read to its end, and a mismatch
    /// or any damage is an <see cref="IntegrityException"/> naming <paramref name="file"/>.
    /// </summary>
    public static Stream Decrypt(
        Stream input, IReadOnlyList<PgpSecretKeyRingBundle> secretKeys, char[]? secretKeyPassphrase, char[]? passphrase, string file,
        Func<string, IntegrityException> refuse)
    {
        try
        {
            // Binary, as summit-dr writes it (an armored file would need a seekable stream to be recognised).
            var factory = new PgpObjectFactory(input);
            var list = Next(factory) as PgpEncryptedDataList
                ?? throw new IntegrityException($"{file} is not an OpenPGP encrypted message: it was changed, or written without " +
                    $"encryption.");
            var failures = new List<string>();
            foreach (var data in list.GetEncryptedDataObjects())
            {
                var opened = TryOpen(data, secretKeys, secretKeyPassphrase, passphrase, failures);
                if (opened is not null)
                {
                    if (!data.IsIntegrityProtected())
                    {
                        throw new IntegrityException($"{file} is encrypted without integrity protection; summit-dr never writes such a " +
                            $"file, so it was replaced.");
                    }

                    var content = new PgpObjectFactory(opened);
                    var literal = Next(content) as PgpLiteralData
                        ?? throw new IntegrityException($"{file} decrypts to something other than a literal data packet.");
                    return new DecryptingStream(literal.GetInputStream(), data, file);
                }
            }

            throw refuse(failures.Count == 0 ? string.Empty : " (" + string.Join("; ", failures) + ")");
        }
        catch (Exception ex) when (ex is PgpException or IOException or InvalidOperationException or ArgumentException)
        {
            throw new IntegrityException($"{file} does not decrypt: {ex.Message}", ex);
        }
    }

    public static string KeyId(long keyId) => keyId.ToString("X16", System.Globalization.CultureInfo.InvariantCulture);

    private static Stream? TryOpen(
        PgpEncryptedData data, IReadOnlyList<PgpSecretKeyRingBundle> secretKeys, char[]? secretKeyPassphrase, char[]? passphrase,
        List<string> failures)
    {
        switch (data)
        {
            case PgpPublicKeyEncryptedData keyed:
                var secret = secretKeys.Select(b => b.GetSecretKey(keyed.KeyId)).FirstOrDefault(k => k is not null);
                if (secret is null)
                {
                    return null;
                }

                PgpPrivateKey key;
                try
                {
                    key = secret.ExtractPrivateKeyUtf8(secretKeyPassphrase ?? []);
                }
                catch (PgpException)
                {
                    failures.Add($"the secret key {KeyId(keyed.KeyId)} is protected and {EncryptionOptions.SecretKeyPassphraseVariable} " +
                        $"or Encryption:SecretKeyPassphraseFile does not unlock it");
                    return null;
                }

                return keyed.GetDataStream(key);
            case PgpPbeEncryptedData protectedByPassphrase when passphrase is not null:
                try
                {
                    return protectedByPassphrase.GetDataStreamUtf8(passphrase);
                }
                catch (PgpException)
                {
                    failures.Add("the configured passphrase is not the one it was encrypted to");
                    return null;
                }

            default:
                return null;
        }
    }

    private static PgpObject? Next(PgpObjectFactory factory)
    {
        var next = factory.NextPgpObject();
        while (next is PgpMarker)
        {
            next = factory.NextPgpObject();
        }

        return next is PgpCompressedData compressed ? Next(new PgpObjectFactory(compressed.GetDataStream())) : next;
    }

    private static bool Expired(PgpPublicKey key, DateTime now) =>
        key.GetValidSeconds() is > 0 and var seconds && key.CreationTime.AddSeconds(seconds) <= now;

    /// <summary>
    /// A key may encrypt when its algorithm can, it is neither revoked nor expired, and its self-signature's
    /// key flags (where there are any) allow encryption; BouncyCastle's IsEncryptionKey looks at the algorithm only.
    /// </summary>
    private static bool MayEncrypt(PgpPublicKey key, DateTime now)
    {
        if (!key.IsEncryptionKey || key.HasRevocation() || Expired(key, now))
        {
            return false;
        }

        var flags = key.GetSignatures()
            .Where(s => s.HasSubpackets && s.GetHashedSubPackets().HasSubpacket(SignatureSubpacketTag.KeyFlags))
            .OrderByDescending(s => s.CreationTime)
            .Select(s => (int?)s.GetHashedSubPackets().GetKeyFlags())
            .FirstOrDefault();
        return flags is null || (flags.Value & (PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage)) != 0;
    }

    /// <summary>Writes into the literal packet; disposing ends the literal packet, then the encrypted one.</summary>
    private sealed class EncryptingStream(Stream literal, Stream encrypted) : WriteOnlyStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => literal.Write(buffer);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                literal.Dispose();
                encrypted.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>The plaintext; at its end, the modification detection code must match.</summary>
    private sealed class DecryptingStream(Stream plaintext, PgpEncryptedData data, string file) : ReadOnlyStream
    {
        private bool _verified;

        public override int Read(Span<byte> buffer)
        {
            int read;
            try
            {
                read = plaintext.Read(buffer);
                if (read == 0 && buffer.Length > 0 && !_verified)
                {
                    _verified = true;
                    if (!data.Verify())
                    {
                        throw new IntegrityException($"{file} fails its OpenPGP integrity check (modification detection code): the file " +
                            $"was changed.");
                    }
                }
            }
            catch (Exception ex) when (ex is PgpException or IOException or InvalidOperationException)
            {
                throw new IntegrityException($"{file} does not decrypt to its end: {ex.Message}", ex);
            }

            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                plaintext.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
