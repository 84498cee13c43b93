namespace Summit.Dr.Archive.Remote;

/// <summary>
/// An off-site object store, as push, pull, list and prune need it. Keys are relative to the configured
/// prefix; every transfer streams from or to a file, never whole in memory. Implementations make one
/// attempt per call: <see cref="RemoteStores"/> retries with backoff.
/// </summary>
public interface IRemoteStore
{
    /// <summary>Where the backups go, for messages: `s3://bucket/prefix` or `azure-blob://account/container/prefix`. Never a
    /// credential.</summary>
    string Location { get; }

    /// <summary>Uploads a file, in parts when it is larger than a part.</summary>
    Task UploadAsync(string key, string path, CancellationToken cancellationToken);

    /// <summary>Streams an object into <paramref name="destination"/>.</summary>
    Task DownloadAsync(string key, Stream destination, CancellationToken cancellationToken);

    /// <summary>Every object under <paramref name="prefix"/> (relative), with its size.</summary>
    Task<IReadOnlyList<RemoteObject>> ListAsync(string prefix, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Whether a failure is worth another attempt (the network, a timeout, a 5xx, throttling).</summary>
    bool IsTransient(Exception exception);

    /// <summary>
    /// A refusal by the store (an error code of its SDK: no such bucket or container, an invalid name, credentials
    /// it does not accept) as one sentence that names the setting or variable to check; null for any other failure.
    /// </summary>
    string? Explain(Exception exception);
}

/// <param name="Key">Relative to the configured prefix.</param>
public sealed record RemoteObject(string Key, long Size);
