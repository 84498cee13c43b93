namespace Summit.Dr.Archive.Remote;

/// <summary>
/// What only AWSSDK's English says: no credentials at all, and an object whose bytes do not match the MD5 the
/// store recorded, are AmazonClientExceptions with no error code. The one place for their patterns; a test
/// feeds them the SDK's real messages.
/// </summary>
public static class S3Text
{
    /// <summary>`Failed to resolve AWS credentials. The credential providers used to search for credentials returned the following errors:
    /// ...`</summary>
    public static bool IsMissingCredentials(string message) => message.Contains("resolve AWS " +
        "credentials", StringComparison.OrdinalIgnoreCase)
        || message.Contains("Unable to get IAM security credentials", StringComparison.OrdinalIgnoreCase);

    /// <summary>AWSSDK.Core's HashStream, at the end of a download: `Expected hash not equal to calculated hash`.</summary>
    public static bool IsDamagedObject(string message) => message.StartsWith("Expected hash not equal to calculated " +
        "hash", StringComparison.Ordinal);
}
