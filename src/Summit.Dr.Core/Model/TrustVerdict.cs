namespace Summit.Dr.Model;

/// <summary>
/// What summit-dr found about who made a backup: whether its manifest carries a valid signature by a trusted
/// key, whether it is encrypted, and whether it may be restored.
/// </summary>
/// <param name="Signature">`verified`, `unsigned`, `rejected` (another key, or a changed manifest) or `not checked` (no trusted keys are
/// configured).</param>
/// <param name="Signer">The primary key fingerprint of the trusted key that signed it.</param>
/// <param name="AllowedUnsigned">It is accepted only because `--allow-unsigned` was given.</param>
/// <param name="Problem">Why it is refused (or would be, without --allow-unsigned).</param>
public sealed record TrustVerdict(string Signature, string? Signer, bool Encrypted, bool Accepted, bool AllowedUnsigned, string? Problem)
{
    public const string Verified = "verified";
    public const string Missing = "unsigned";
    public const string Rejected = "rejected";
    public const string NotChecked = "not checked";
}
