namespace Summit.Dr.Configuration;

/// <summary>
/// Off-site copies, opt-in: where `push` puts complete backups and `pull` fetches them. Credentials are never
/// settings: S3 takes the standard AWS sources (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE and the
/// shared files), Azure the AZURE_STORAGE_* environment variables.
/// </summary>
public sealed class RemoteOptions
{
    public const string S3 = "s3";
    public const string AzureBlob = "azure-blob";

    /// <summary>`s3` or `azure-blob`; unset, off-site copies are off.</summary>
    public string? Kind { get; set; }

    /// <summary>S3: the bucket.</summary>
    public string? Bucket { get; set; }

    /// <summary>Azure: the blob container.</summary>
    public string? Container { get; set; }

    /// <summary>Where backups go in the bucket or container: PREFIX/NAME/FILE.</summary>
    public string Prefix { get; set; } = "summit-dr";

    /// <summary>S3: a third-party store's endpoint (MinIO, Ceph, ...); Azure: the blob service URL for an account key or SAS.</summary>
    public string? Endpoint { get; set; }

    /// <summary>S3: the region (also the signing region for a custom endpoint).</summary>
    public string? Region { get; set; }

    /// <summary>S3: bucket in the path (http://host/bucket/key), as most third-party stores want.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>S3: aws-chunked upload encoding. Off by default: several third-party stores store its framing as data.</summary>
    public bool ChunkedEncoding { get; set; }

    /// <summary>Artifacts larger than this are uploaded in parts of this size (S3 multipart, Azure blocks).</summary>
    public int PartSizeMiB { get; set; } = 64;

    /// <summary>How often one object's transfer is retried after a network or server failure.</summary>
    public int Retries { get; set; } = 4;

    /// <summary>The first retry's delay; each further one doubles it.</summary>
    public double RetryDelaySeconds { get; set; } = 2;

    /// <summary>
    /// What is wrong with these settings, checked when the configuration is read (exit 2) so that no backup
    /// work is done for a push the store would refuse: the kind, the bucket or container it needs, and a
    /// name the store would reject (S3: 3 to 63 of a-z, 0-9, dots and hyphens; Azure: 3 to 63 of a-z, 0-9 and
    /// single hyphens; both starting and ending with a letter or digit).
    /// </summary>
    public IEnumerable<string> Problems()
    {
        switch (Kind?.Trim().ToLowerInvariant())
        {
            case null or "":
                yield break;
            case S3 when string.IsNullOrWhiteSpace(Bucket):
                yield return "Remote:Kind is s3 but Remote:Bucket is not set";
                break;
            case S3 when !System.Text.RegularExpressions.Regex.IsMatch(Bucket!, "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
                || Bucket!.Contains("..", StringComparison.Ordinal):
                yield return $"Remote:Bucket '{Bucket}' is not a valid S3 bucket name: 3 to 63 lowercase letters, digits, dots and " +
                    $"hyphens, starting and ending with a letter or digit";
                break;
            case AzureBlob when string.IsNullOrWhiteSpace(Container):
                yield return "Remote:Kind is azure-blob but Remote:Container is not set";
                break;
            case AzureBlob when !System.Text.RegularExpressions.Regex.IsMatch(Container!, "^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$"):
                yield return $"Remote:Container '{Container}' is not a valid Azure container name: 3 to 63 lowercase letters, digits and " +
                    $"single hyphens, starting and ending with a letter or digit";
                break;
            case S3 or AzureBlob:
                break;
            default:
                yield return $"Remote:Kind is '{Kind}': it must be {S3} or {AzureBlob}";
                break;
        }

    }
}
