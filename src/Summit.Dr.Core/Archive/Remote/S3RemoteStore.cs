using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;

namespace Summit.Dr.Archive.Remote;

/// <summary>
/// S3 and S3-compatible stores through AWSSDK.S3. Request checksums only when an operation requires them and
/// no aws-chunked encoding unless enabled: several third-party stores, and the S3 fakes, store that framing
/// as the object's bytes. Large files go up in a hand-driven multipart upload, each part streamed from its
/// place in the file; a failed multipart upload is aborted so no parts are left behind.
/// </summary>
public sealed class S3RemoteStore : IRemoteStore, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly string _bucket;
    private readonly string _prefix;
    private readonly long _partSize;
    private readonly bool _chunked;

    private readonly ILogger _logger;

    public S3RemoteStore(RemoteOptions options, ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
        _bucket = options.Bucket is { Length: > 0 } bucket ? bucket : throw new UsageException("Remote:Kind is s3 but Remote:Bucket is " +
            "not set.");
        _prefix = RemotePaths.Normalize(options.Prefix);
        _partSize = Math.Max(5, options.PartSizeMiB) * 1024L * 1024L;
        _chunked = options.ChunkedEncoding;
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 0,
            Timeout = TimeSpan.FromMinutes(5),
        };
        if (options.Endpoint is { Length: > 0 } endpoint)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = options.Region ?? "us-east-1";
        }
        else if (options.Region is { Length: > 0 } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        try
        {
            _client = new AmazonS3Client(config);
        }
        catch (AmazonClientException ex) when (options.Endpoint is not { Length: > 0 } && options.Region is not { Length: > 0 })
        {
            // The SDK found no region in the environment (AWS_REGION) or the shared config either.
            throw new UsageException($"Remote:Kind is s3 but no region is known ({ex.Message.TrimEnd('.')}): set Remote:Region, or " +
                $"Remote:Endpoint for a store other than AWS.", ex);
        }
        Location = $"s3://{_bucket}/{_prefix}";
    }

    public string Location { get; }

    public async Task UploadAsync(string key, string path, CancellationToken cancellationToken)
    {
        var size = new FileInfo(path).Length;
        if (size <= _partSize)
        {
            await _client.PutObjectAsync(
                new PutObjectRequest { BucketName = _bucket, Key = _prefix + key, FilePath = path, UseChunkEncoding = _chunked },
                cancellationToken);
            return;
        }

        var upload = await _client.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = _bucket, Key = _prefix + key }, cancellationToken);
        try
        {
            var parts = new List<PartETag>();
            for (var (number, position) = (1, 0L); position < size; number++, position += _partSize)
            {
                var part = await _client.UploadPartAsync(
                    new UploadPartRequest
                    {
                        BucketName = _bucket,
                        Key = _prefix + key,
                        UploadId = upload.UploadId,
                        PartNumber = number,
                        FilePath = path,
                        FilePosition = position,
                        PartSize = Math.Min(_partSize, size - position),
                        UseChunkEncoding = _chunked,
                    },
                    cancellationToken);
                parts.Add(new PartETag(number, part.ETag));
            }

            await _client.CompleteMultipartUploadAsync(
                new CompleteMultipartUploadRequest { BucketName = _bucket, Key = _prefix + key, UploadId = upload.UploadId,
                    PartETags = parts },
                cancellationToken);
        }
        catch
        {
            try
            {
                await _client.AbortMultipartUploadAsync(
                    new AbortMultipartUploadRequest { BucketName = _bucket, Key = _prefix + key, UploadId = upload.UploadId },
                    CancellationToken.None);
            }
            catch (Exception ex)
            {
                // The store is unreachable: its lifecycle rules clean up, and without a manifest nothing is complete.
                _logger.LogDebug("Could not abort the multipart upload of {Key} ({Error}); without a manifest it is not a complete " +
                    "backup", key, ex.Message);
            }

            throw;
        }
    }

    public async Task DownloadAsync(string key, Stream destination, CancellationToken cancellationToken)
    {
        using var response = await _client.GetObjectAsync(
            new GetObjectRequest { BucketName = _bucket, Key = _prefix + key }, cancellationToken);
        try
        {
            await response.ResponseStream.CopyToAsync(destination, 1 << 16, cancellationToken);
        }
        catch (AmazonClientException ex) when (S3Text.IsDamagedObject(ex.Message))
        {
            // The SDK compares a whole object's bytes with the MD5 the store recorded when it was written.
            throw new IntegrityException($"{key} at {Location} is damaged: its bytes no longer match the checksum the store recorded " +
                $"when it was written.", ex);
        }
    }

    public async Task<IReadOnlyList<RemoteObject>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var objects = new List<RemoteObject>();
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = _prefix + prefix };
        ListObjectsV2Response response;
        do
        {
            response = await _client.ListObjectsV2Async(request, cancellationToken);
            objects.AddRange((response.S3Objects ?? []).Select(o => new RemoteObject(o.Key[_prefix.Length..], o.Size ?? 0)));
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);

        return objects;
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = _prefix + key }, cancellationToken);

    public bool IsTransient(Exception exception) => exception switch
    {
        AmazonServiceException
        {
            StatusCode: >= HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout,
        } => true,
        AmazonServiceException { StatusCode: 0 } => true,
        AmazonClientException { InnerException: HttpRequestException or IOException or WebException } => true,
        HttpRequestException or IOException or WebException or TimeoutException => true,
        _ => false,
    };

    /// <summary>S3's error codes (the S3 API reference, "Error responses") as what to do.</summary>
    public string? Explain(Exception exception) => exception switch
    {
        AmazonServiceException { ErrorCode: "NoSuchBucket" } =>
            $"the bucket '{_bucket}' does not exist. Create it, or set Remote:Bucket to one that does.",
        AmazonServiceException { ErrorCode: "InvalidBucketName" } =>
            $"'{_bucket}' is not a valid bucket name. Set Remote:Bucket to 3 to 63 lowercase letters, digits, dots and hyphens.",
        AmazonServiceException
        {
            ErrorCode: "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "InvalidToken" or "ExpiredToken" or "TokenRefreshRequired",
        } e =>
            $"it does not accept the credentials ({e.ErrorCode}): check the credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or " +
                $"AWS_PROFILE) in summit-dr's environment.",
        AmazonServiceException { ErrorCode: "AccessDenied" or "AllAccessDisabled" } e =>
            $"the credentials may not use the bucket '{_bucket}' ({e.ErrorCode}). Grant them s3:ListBucket, s3:GetObject, s3:PutObject " +
                $"and s3:DeleteObject on it.",
        AmazonServiceException { StatusCode: HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized } e =>
            $"it refuses the request ({(int)e.StatusCode} {e.ErrorCode}): check the credentials (AWS_ACCESS_KEY_ID and " +
                $"AWS_SECRET_ACCESS_KEY, or AWS_PROFILE) and their rights on the bucket.",
        AmazonClientException e when S3Text.IsMissingCredentials(e.Message) =>
            "there are no credentials. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, in summit-dr's environment.",
        _ => null,
    };

    public void Dispose() => _client.Dispose();
}
