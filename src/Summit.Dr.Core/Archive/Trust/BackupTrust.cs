using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Summit.Dr.Archive.Encryption;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Model;

namespace Summit.Dr.Archive.Trust;

/// <summary>
/// Whether a backup may be restored, pulled, drilled or checked here: with Signing:TrustedKeyFiles set, only
/// when its manifest carries a valid signature by one of those keys (`--allow-unsigned` is the one explicit
/// way past, said so in the log and the JSON); with Encryption:Required, only when it is encrypted.
/// </summary>
public sealed class BackupTrust
{
    private readonly SummitDrOptions _options;
    private readonly ILogger<BackupTrust> _logger;
    private readonly Lazy<IReadOnlyList<TrustedKey>> _trusted;

    public BackupTrust(IOptions<SummitDrOptions> options, SecretFiles secrets, TrustChoice choice, ILogger<BackupTrust> logger)
    {
        _options = options.Value;
        AllowUnsigned = choice.AllowUnsigned;
        _logger = logger;
        _trusted = new(() => OpenPgpSignatures.ReadTrustedKeys(secrets.Paths(_options.Signing.TrustedKeyFiles), "Signing:TrustedKeyFiles"));
    }

    /// <summary>`--allow-unsigned`: a backup that is unsigned or not signed by a trusted key is accepted, with a warning.</summary>
    public bool AllowUnsigned { get; }

    /// <summary>Signing:TrustedKeyFiles is set: signatures are checked.</summary>
    public bool Checks => _options.Signing.TrustedKeyFiles is { Length: > 0 };

    /// <summary>Encryption:Required is set: a plaintext backup is refused.</summary>
    public bool RequiresEncryption => _options.Encryption.Required;

    /// <summary>The trusted keys (reads them), for doctor.</summary>
    public IReadOnlyList<TrustedKey> TrustedKeys => Checks ? _trusted.Value : [];

    /// <summary>
    /// The verdict on a local backup directory, without throwing: its signature checked on <paramref name="manifestBytes"/>,
    /// the very bytes <paramref name="manifest"/> was parsed from (null for a backup without a manifest).
    /// </summary>
    public TrustVerdict Judge(string directory, BackupManifest? manifest, byte[]? manifestBytes) =>
        Judge(manifest, manifestBytes, manifestBytes is null ? null : ReadSignature(directory));

    /// <summary>manifest.json.sig, read through one handle that follows no link; none when it is absent or too large to be one.</summary>
    private static byte[]? ReadSignature(string directory)
    {
        try
        {
            using var file = SafeFiles.OpenRead(BackupManifest.SignatureFileName, 4096, directory);
            if (file.Length > MaxSignatureBytes)
            {
                return null;
            }

            using var copy = new MemoryStream();
            file.CopyTo(copy);
            return copy.ToArray();
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The verdict on a manifest and its signature as read (off-site: before anything else is downloaded).</summary>
    public TrustVerdict Judge(BackupManifest? manifest, byte[]? manifestBytes, byte[]? signature)
    {
        var encrypted = manifest?.Encryption is not null;
        if (_options.Encryption.Required && !encrypted)
        {
            return new TrustVerdict(TrustVerdict.NotChecked, null, encrypted, Accepted: false, AllowedUnsigned: false,
                "it is not encrypted, and Encryption:Required is set");
        }

        if (!Checks)
        {
            return new TrustVerdict(TrustVerdict.NotChecked, null, encrypted, Accepted: true, AllowedUnsigned: false, null);
        }

        var (signer, problem, state) = (manifestBytes, signature) switch
        {
            (null, _) => (null, "it has no manifest to sign (made by the runbook's scripts?)", TrustVerdict.Missing),
            (_, null) => (null, $"it has no {BackupManifest.SignatureFileName}", TrustVerdict.Missing),
            var (bytes, sig) => Verify(bytes, sig),
        };
        return problem is null
            ? new TrustVerdict(TrustVerdict.Verified, signer, encrypted, Accepted: true, AllowedUnsigned: false, null)
            : new TrustVerdict(state, null, encrypted, Accepted: AllowUnsigned, AllowedUnsigned: AllowUnsigned, problem);
    }

    /// <summary>The verdict, or an <see cref="IntegrityException"/> (exit 4, nothing touched) when the backup is refused.</summary>
    public TrustVerdict Require(TrustVerdict verdict, string name)
    {
        if (!verdict.Accepted)
        {
            var way = verdict.Signature is TrustVerdict.Missing or TrustVerdict.Rejected ? " Restore one signed by a trusted key, or " +
                "pass --allow-unsigned if you know where this one comes from." : string.Empty;
            throw new IntegrityException($"{name} is refused: {verdict.Problem}. Nothing was touched.{way}");
        }

        if (verdict.AllowedUnsigned)
        {
            _logger.LogWarning("--allow-unsigned: {Name} is taken although {Problem}", name, verdict.Problem);
        }
        else if (verdict.Signature == TrustVerdict.Verified)
        {
            _logger.LogInformation("{Name}: manifest.json is signed by trusted key {Signer}", name, verdict.Signer);
        }

        return verdict;
    }

    /// <summary>Whether a trusted key signed <paramref name="document"/> (a WAL ledger): null when one did, else the problem.</summary>
    public string? VerifyDetached(byte[] document, byte[] signature) =>
        OpenPgpSignatures.Verify(document, signature, _trusted.Value).Problem;

    /// <summary>No detached signature comes near this; a larger file is not read.</summary>
    public const int MaxSignatureBytes = 64 << 10;

    private (string? Signer, string? Problem, string State) Verify(byte[] manifest, byte[] signature)
    {
        var (signer, problem) = OpenPgpSignatures.Verify(manifest, signature, _trusted.Value);
        return (signer, problem, problem is null ? TrustVerdict.Verified : TrustVerdict.Rejected);
    }
}
