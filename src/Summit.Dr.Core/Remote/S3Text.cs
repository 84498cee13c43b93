namespace Summit.Dr.Remote;

/// <summary>
/// What only AWSSDK's English says: no credentials at all is an AmazonClientException with no error code,
/// raised before any request. The one place for its pattern; a test feeds it the SDK's real message.
/// </summary>
public static class S3Text
{
    /// <summary>`Failed to resolve AWS credentials. The credential providers used to search for credentials returned the following errors: ...`</summary>
    public static bool IsMissingCredentials(string message) => message.Contains("resolve AWS credentials", StringComparison.OrdinalIgnoreCase)
        || message.Contains("Unable to get IAM security credentials", StringComparison.OrdinalIgnoreCase);
}
