using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;

namespace Summit.Dr.Archive.Remote;

/// <summary>
/// Azure Blob Storage through Azure.Storage.Blobs. The account comes from the environment: a connection
/// string (AZURE_STORAGE_CONNECTION_STRING), or an account (AZURE_STORAGE_ACCOUNT) with its key
/// (AZURE_STORAGE_KEY) or a SAS token (AZURE_STORAGE_SAS_TOKEN). Large files go up as blocks of the part
/// size, each with its MD5 checked by the service; the blob exists only once its block list is committed.
/// </summary>
public sealed class AzureBlobRemoteStore : IRemoteStore
{
    public const string ConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";
    public const string AccountVariable = "AZURE_STORAGE_ACCOUNT";
    public const string KeyVariable = "AZURE_STORAGE_KEY";
    public const string SasVariable = "AZURE_STORAGE_SAS_TOKEN";

    private readonly BlobContainerClient _container;
    private readonly string _prefix;
    private readonly long _partSize;

    public AzureBlobRemoteStore(RemoteOptions options)
    {
        var name = options.Container is { Length: > 0 } container ? container : throw new UsageException("Remote:Kind is azure-blob but " +
            "Remote:Container is not set.");
        _prefix = RemotePaths.Normalize(options.Prefix);
        _partSize = Math.Max(1, options.PartSizeMiB) * 1024L * 1024L;
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.MaxRetries = 0;
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromMinutes(5);
        clientOptions.TransferValidation.Upload.ChecksumAlgorithm = StorageChecksumAlgorithm.MD5;
        clientOptions.TransferValidation.Download.ChecksumAlgorithm = StorageChecksumAlgorithm.None;
        BlobServiceClient service;
        if (Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } connection)
        {
            service = new BlobServiceClient(connection, clientOptions);
        }
        else if (Environment.GetEnvironmentVariable(AccountVariable) is { Length: > 0 } account)
        {
            var endpoint = new Uri(
                options.Endpoint is { Length: > 0 } configured ? configured : $"https://{account}.blob.core.windows.net");
            if (Environment.GetEnvironmentVariable(KeyVariable) is { Length: > 0 } key)
            {
                service = new BlobServiceClient(endpoint, new StorageSharedKeyCredential(account, key), clientOptions);
            }
            else if (Environment.GetEnvironmentVariable(SasVariable) is { Length: > 0 } sas)
            {
                service = new BlobServiceClient(endpoint, new AzureSasCredential(sas), clientOptions);
            }
            else
            {
                throw new UsageException($"Remote:Kind is azure-blob and {AccountVariable} is set, but neither {KeyVariable} nor " +
                    $"{SasVariable} is.");
            }
        }
        else
        {
            throw new UsageException($"Remote:Kind is azure-blob but no account is configured: set {ConnectionStringVariable}, or " +
                $"{AccountVariable} with {KeyVariable} or {SasVariable}.");
        }

        _container = service.GetBlobContainerClient(name);
        Location = $"azure-blob://{service.AccountName}/{name}/{_prefix}";
    }

    public string Location { get; }

    public async Task UploadAsync(string key, string path, CancellationToken cancellationToken)
    {
        await _container.GetBlobClient(_prefix + key).UploadAsync(
            path,
            new BlobUploadOptions { TransferOptions = new StorageTransferOptions { InitialTransferSize = _partSize,
                MaximumTransferSize = _partSize, MaximumConcurrency = 1 } },
            cancellationToken);
    }

    public async Task DownloadAsync(string key, Stream destination, CancellationToken cancellationToken)
    {
        var response = await _container.GetBlobClient(_prefix + key).DownloadStreamingAsync(cancellationToken: cancellationToken);
        await using var content = response.Value.Content;
        await content.CopyToAsync(destination, 1 << 16, cancellationToken);
    }

    public async Task<IReadOnlyList<RemoteObject>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var objects = new List<RemoteObject>();
        await foreach (var blob in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = _prefix + prefix }, cancellationToken))
        {
            objects.Add(new RemoteObject(blob.Name[_prefix.Length..], blob.Properties.ContentLength ?? 0));
        }

        return objects;
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        _container.GetBlobClient(_prefix + key).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    /// <summary>Blob storage's error codes (the Blob service REST reference, "Error codes") as what to do.</summary>
    public string? Explain(Exception exception) => exception switch
    {
        RequestFailedException { ErrorCode: "ContainerNotFound" } =>
            $"the container '{_container.Name}' does not exist. Create it (`az storage container create --name {_container.Name}`), or " +
                $"set Remote:Container to one that does.",
        RequestFailedException { ErrorCode: "OutOfRangeInput" or "InvalidResourceName" or "InvalidUri" } e =>
            $"'{_container.Name}' is not a valid container name ({e.ErrorCode}). Set Remote:Container to 3 to 63 lowercase letters, " +
                $"digits and single hyphens.",
        RequestFailedException { ErrorCode: "AuthenticationFailed" or "InvalidAuthenticationInfo" or "NoAuthenticationInformation" } e =>
            $"it does not accept the credentials ({e.ErrorCode}). Check {ConnectionStringVariable}, or {AccountVariable} with " +
                $"{KeyVariable} or {SasVariable}.",
        RequestFailedException
        {
            ErrorCode: "AuthorizationFailure" or "AuthorizationPermissionMismatch"
                or "AuthorizationResourceTypeMismatch" or "InsufficientAccountPermissions",
        } e =>
            $"it does not authorize the request ({e.ErrorCode}). Check the key or SAS in {ConnectionStringVariable} (or {KeyVariable}, " +
                $"{SasVariable}) and that it may read, write, list and delete in '{_container.Name}'.",
        RequestFailedException { ErrorCode: "AccountIsDisabled" } => "the storage account is disabled. Enable it, or set " +
            "AZURE_STORAGE_ACCOUNT to another.",
        RequestFailedException { Status: 401 or 403 } e =>
            $"it refuses the credentials ({e.Status} {e.ErrorCode}). Check {ConnectionStringVariable}, or {AccountVariable} with " +
                $"{KeyVariable} or {SasVariable}, and their rights on the container.",
        _ => null,
    };

    public bool IsTransient(Exception exception) => exception switch
    {
        RequestFailedException { Status: 0 or 408 or 429 or >= 500 } => true,
        HttpRequestException or IOException or TimeoutException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsTransient),
        _ => false,
    };
}
