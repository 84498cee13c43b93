using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Summit.Dr.Archive.Encryption;

/// <summary>A key a signature may be checked against, with the fingerprint of its ring's primary key (what an operator knows it
/// by).</summary>
public sealed record TrustedKey(PgpPublicKey Key, string PrimaryFingerprint, string? UserId);
