namespace Summit.Dr.Model;

/// <summary>
/// How a backup's artifacts were encrypted: what a restore needs to open them, and never a secret. Each
/// artifact's size and SHA-256 in the manifest are those of the ciphertext, so `verify` needs no key.
/// </summary>
/// <param name="Format">Always "openpgp": every artifact is an OpenPGP message that `gpg --decrypt` opens.</param>
/// <param name="Cipher">The symmetric cipher of the encrypted data packet, "AES-256".</param>
/// <param name="IntegrityProtected">The data packet carries a modification detection code (SEIPD v1).</param>
/// <param name="Recipients">The public keys the session key is encrypted to.</param>
/// <param name="Passphrase">The session key is also encrypted to a passphrase.</param>
public sealed record EncryptionRecord(
    string Format, string Cipher, bool IntegrityProtected, IReadOnlyList<RecipientRecord> Recipients, bool Passphrase);

/// <param name="Fingerprint">The primary key's fingerprint, as `gpg --list-keys` shows it.</param>
/// <param name="KeyId">The (sub)key the session key was encrypted to, as the message names it.</param>
/// <param name="UserId">The key's first user id, for the people reading a refusal.</param>
public sealed record RecipientRecord(string Fingerprint, string KeyId, string? UserId = null);
