namespace Summit.Dr.Archive.Trust;

/// <summary>What the user chose for this run about backups that are not signed by a trusted key (`--allow-unsigned`).</summary>
public sealed record TrustChoice(bool AllowUnsigned)
{
    public static readonly TrustChoice Strict = new(AllowUnsigned: false);
}
