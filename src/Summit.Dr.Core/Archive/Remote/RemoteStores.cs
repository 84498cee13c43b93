using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;
using Summit.Dr.Progress;

namespace Summit.Dr.Archive.Remote;

/// <summary>
/// The configured off-site store, and the one way every transfer to or from it is made: retried on a
/// transient failure with exponential backoff (Polly's retry strategy, on the run's clock), and a refusal
/// turned into one sentence that names the setting to check.
/// </summary>
public sealed class RemoteStores
{
    private readonly RemoteOptions _options;
    private readonly Lazy<IRemoteStore> _store;
    private readonly Lazy<ResiliencePipeline> _retry;

    public RemoteStores(
        IOptions<SummitDrOptions> options, TimeProvider time, ILogger<RemoteStores> logger,
        Func<RemoteOptions, IRemoteStore>? storeFactory = null)
    {
        _options = options.Value.Remote;
        _store = new(() => (storeFactory ?? (o => Create(o, logger)))(_options));
        // Remote:Retries=0 is a user's "no retries": the pipeline then has no retry at all (Polly wants at least one).
        _retry = new(() => _options.Retries <= 0 ? ResiliencePipeline.Empty : new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = _options.Retries,
                Delay = TimeSpan.FromSeconds(_options.RetryDelaySeconds),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                ShouldHandle = args =>
                    ValueTask.FromResult(
                        args.Outcome.Exception is { } ex && !args.Context.CancellationToken.IsCancellationRequested
                            && Store.IsTransient(ex)),
                OnRetry = args =>
                {
                    logger.LogWarning(
                        "{What} failed ({Error}); retrying in {Delay:0.#} s ({Try} of {Retries})",
                        args.Context.Properties.GetValue(What, "a transfer"), args.Outcome.Exception?.Message,
                            args.RetryDelay.TotalSeconds, args.AttemptNumber + 1, _options.Retries);
                    return ValueTask.CompletedTask;
                },
            })
            .Build());
    }

    private static readonly ResiliencePropertyKey<string> What = new("summit-dr.what");

    /// <summary>Off-site copies are configured (Remote:Kind is set).</summary>
    public bool Configured => _options.Kind is { Length: > 0 };

    /// <summary>Where the backups go off-site, for messages (creates the store's client).</summary>
    public string Location => Store.Location;

    public IRemoteStore Store => Configured
        ? _store.Value
        : throw new UsageException("Off-site copies are not configured: set Remote:Kind to s3 or azure-blob, and its bucket or container " +
            "(docs/off-site.md).");

    /// <summary>One transfer, retried while it fails transiently; a failure that remains is one sentence (exit 1), a refusal names what to
    /// check.</summary>
    public async Task<T> RunAsync<T>(
        string what, Func<IRemoteStore, CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var store = Store;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(What, what);
        var attempts = 0;
        try
        {
            return await _retry.Value.ExecuteAsync(
                async (ctx, state) =>
                {
                    attempts++;
                    return await attempt(state, ctx.CancellationToken);
                },
                context,
                store);
        }
        catch (Exception ex) when (
            !cancellationToken.IsCancellationRequested && ex is not SummitDrException and not OperationCanceledException)
        {
            var tried = attempts > 1 ? $" after {attempts} attempts" : string.Empty;
            throw new OperationFailedException(store.Explain(ex) is { } sentence
                ? $"{what} at {store.Location} was refused: {sentence}"
                : $"{what} at {store.Location} failed{tried}: {OneLine(ex.Message)}.", ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public Task RunAsync(string what, Func<IRemoteStore, CancellationToken, Task> attempt, CancellationToken cancellationToken) =>
        RunAsync(what, async (store, token) =>
        {
            await attempt(store, token);
            return true;
        }, cancellationToken);

    /// <summary>An SDK's message can hold a whole HTTP response: its first line is the part an operator reads.</summary>
    private static string OneLine(string message) => message.Split('\n', 2)[0].Trim().TrimEnd('.');

    private static IRemoteStore Create(RemoteOptions options, ILogger logger) => options.Kind?.Trim().ToLowerInvariant() switch
    {
        RemoteOptions.S3 => new S3RemoteStore(options, logger),
        RemoteOptions.AzureBlob => new AzureBlobRemoteStore(options),
        var kind => throw new UsageException($"Remote:Kind is '{kind}': it must be s3 or azure-blob."),
    };

    /// <summary>Reads an object back whole, as a pull would: its SHA-256 and size.</summary>
    public Task<(string Sha256, long Size)> ReadBackAsync(string key, CancellationToken cancellationToken) =>
        RunAsync("read back " + key, async (store, token) =>
        {
            using var sha = System.Security.Cryptography.SHA256.Create();
            var counter = new ByteCounter();
            await using (
                var hashing = new System.Security.Cryptography.CryptoStream(
                    Stream.Null, sha, System.Security.Cryptography.CryptoStreamMode.Write))
            {
                await store.DownloadAsync(key, new CountingWriteStream(hashing, counter), token);
                await hashing.FlushFinalBlockAsync(token);
            }

            return (Convert.ToHexStringLower(sha.Hash!), counter.Value);
        }, cancellationToken);
}
