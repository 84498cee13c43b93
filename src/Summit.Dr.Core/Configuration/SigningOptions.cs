namespace Summit.Dr.Configuration;

/// <summary>
/// Signed backups, opt-in: the backup host signs each manifest (which holds every artifact's size and
/// SHA-256) with its OpenPGP key, and the hosts that restore trust only the keys they are given.
/// </summary>
public sealed class SigningOptions
{
    /// <summary>The environment variable that may hold the passphrase of the signing key.</summary>
    public const string PassphraseVariable = "SUMMIT_DR_SIGNING_PASSPHRASE";

    /// <summary>An armored OpenPGP secret key (Ed25519 or RSA): every backup's manifest is signed with it.</summary>
    public string? SecretKeyFile { get; set; }

    /// <summary>A file whose first line is the passphrase that protects the signing key.</summary>
    public string? PassphraseFile { get; set; }

    /// <summary>Armored OpenPGP public keys, comma-separated: restore, pull, drill and check accept only backups one of them
    /// signed.</summary>
    public string? TrustedKeyFiles { get; set; }
}
