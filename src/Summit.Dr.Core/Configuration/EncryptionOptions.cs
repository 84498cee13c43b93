namespace Summit.Dr.Configuration;

/// <summary>
/// Encryption at rest, opt-in: backups are encrypted when a public key or a passphrase is configured. Only
/// file paths are settings; a passphrase itself comes from a file or an environment variable, never from an
/// argument, and is never logged.
/// </summary>
public sealed class EncryptionOptions
{
    /// <summary>The environment variable that may hold the passphrase backups are encrypted to.</summary>
    public const string PassphraseVariable = "SUMMIT_DR_ENCRYPTION_PASSPHRASE";

    /// <summary>The environment variable that may hold the passphrase of the secret keys.</summary>
    public const string SecretKeyPassphraseVariable = "SUMMIT_DR_SECRET_KEY_PASSPHRASE";

    /// <summary>Armored OpenPGP public key files, comma-separated: every artifact is encrypted to each.</summary>
    public string? PublicKeyFiles { get; set; }

    /// <summary>A file whose first line is a passphrase: artifacts are also encrypted to it, and it opens them.</summary>
    public string? PassphraseFile { get; set; }

    /// <summary>Armored OpenPGP secret key files, comma-separated, for restore, check and drill.</summary>
    public string? SecretKeyFiles { get; set; }

    /// <summary>A file whose first line is the passphrase that protects the secret keys.</summary>
    public string? SecretKeyPassphraseFile { get; set; }

    /// <summary>Refuse (exit 4) to restore, pull, drill or check a backup that is not encrypted.</summary>
    public bool Required { get; set; }
}
