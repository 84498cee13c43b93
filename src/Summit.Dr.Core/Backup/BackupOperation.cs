using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Locking;
using Summit.Dr.Logging;
using Summit.Dr.Manifest;
using Summit.Dr.Neo4j;
using Summit.Dr.Postgres;
using Summit.Dr.Progress;
using Summit.Dr.Uploads;

namespace Summit.Dr.Backup;

/// <summary>
/// Captures the three stores into one timestamped directory. Work happens in `.incomplete-NAME`, which gets
/// its final name only after every artifact is verified and the manifest is flushed (invariant 1). The
/// PostgreSQL dump and the uploads archive run while Neo4j is down, so its downtime is its own dump only.
/// </summary>
public sealed class BackupOperation
{
    private readonly DockerCli _docker;
    private readonly PostgresService _postgres;
    private readonly Neo4jService _neo4j;
    private readonly OperationLock _lock;
    private readonly SummitDrOptions _options;
    private readonly WorkingDirectory _workingDirectory;
    private readonly TimeProvider _time;
    private readonly IProgressReporter _progress;
    private readonly RunLogProvider _runLog;
    private readonly ToolInfo _tool;
    private readonly Discovery.PlatformDiscovery _discovery;
    private readonly ILogger<BackupOperation> _logger;

    public BackupOperation(
        DockerCli docker,
        PostgresService postgres,
        Neo4jService neo4j,
        OperationLock operationLock,
        IOptions<SummitDrOptions> options,
        WorkingDirectory workingDirectory,
        TimeProvider time,
        IProgressReporter progress,
        RunLogProvider runLog,
        ToolInfo tool,
        Discovery.PlatformDiscovery discovery,
        ILogger<BackupOperation> logger)
    {
        _docker = docker;
        _postgres = postgres;
        _neo4j = neo4j;
        _lock = operationLock;
        _options = options.Value;
        _workingDirectory = workingDirectory;
        _time = time;
        _progress = progress;
        _runLog = runLog;
        _tool = tool;
        _discovery = discovery;
        _logger = logger;
    }

    public string RootFor(BackupRequest request) => _workingDirectory.Resolve(request.OutputRoot ?? _options.Backup.Root);

    public async Task<BackupResult> RunAsync(BackupRequest request, CancellationToken cancellationToken)
    {
        using var held = _lock.Acquire(RootFor(request), "backup");
        return await RunHoldingLockAsync(request, cancellationToken);
    }

    /// <summary>The backup itself, for a caller that already holds the root's lock (restore's safety backup).</summary>
    public async Task<BackupResult> RunHoldingLockAsync(BackupRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var root = RootFor(request);
        var sources = await PreflightAsync(request, root, cancellationToken);
        var name = BackupLayout.UniqueName(root, _time.GetLocalNow(), request.Kind == BackupKind.Safety ? BackupLayout.SafetySuffix : string.Empty);
        var work = Path.Combine(root, BackupLayout.IncompletePrefix + name);
        Directory.CreateDirectory(work);
        var log = _runLog.Attach(Path.Combine(work, BackupLayout.LogFile));
        BackupManifest manifest;
        try
        {
            _logger.LogInformation("Backup {Name} into {Root} (summit-dr {Version})", name, root, _tool.Version);
            manifest = await CaptureAsync(request, sources, name, work, root, cancellationToken);
            await BackupManifest.WriteAsync(work, manifest, cancellationToken);
            _logger.LogInformation("Manifest written; every artifact verified");
        }
        catch (Exception ex)
        {
            _logger.LogError("Backup {Name} failed: {Error}", name, ex is OperationCanceledException ? "interrupted" : ex.Message);
            log.Dispose();
            Discard(root, name, work);
            if (DiskFull.Is(ex))
            {
                var neo4j = sources.Neo4j is { Container.Running: true } ? " and Neo4j is running again" : string.Empty;
                throw new DiskFullException(
                    $"The disk is full: no space left on the device that holds {root}. The unfinished backup was removed{neo4j}. " +
                    "Free space there, or write the backup elsewhere with --output or Backup:Root.", ex);
            }

            throw;
        }

        log.Dispose();
        var final = Path.Combine(root, name);
        Directory.Move(work, final);
        return new BackupResult(final, manifest, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// Everything checked before the first container is stopped: the containers, the facts worth recording,
    /// and whether the backup can fit in the free space of the root (exit 3 when it cannot, nothing stopped).
    /// </summary>
    private async Task<Sources> PreflightAsync(BackupRequest request, string root, CancellationToken cancellationToken)
    {
        ContainerInfo? postgres = null;
        PostgresFacts? facts = null;
        Neo4jTarget? neo4j = null;
        long? storeBytes = null;
        string? uploads = null;
        (int Files, long Bytes)? tree = null;
        if (request.Components.Contains(BackupComponent.Postgres))
        {
            postgres = await _docker.RequireRunningAsync(_postgres.Container, "PostgreSQL", "Postgres:Container", "run the backup again", _discovery.HintFor("Postgres:Container"), cancellationToken);
            facts = await _postgres.CollectFactsAsync(postgres.Name, cancellationToken);
        }

        if (request.Components.Contains(BackupComponent.Neo4j))
        {
            neo4j = _neo4j.Describe(await _docker.RequireAsync(_options.Neo4j.Container, "Neo4j", "Neo4j:Container", _discovery.HintFor("Neo4j:Container"), cancellationToken));
            storeBytes = await _neo4j.StoreSizeAsync(neo4j, cancellationToken);
        }

        if (request.Components.Contains(BackupComponent.Uploads))
        {
            uploads = _workingDirectory.Resolve(_options.Uploads.Path);
            tree = UploadsTree.Measure(uploads);
        }

        var estimate = new BackupEstimate(facts?.DatabaseBytes, storeBytes, tree?.Bytes, tree?.Files ?? 0);
        var (free, at) = FreeSpace.Of(root);
        if (free < estimate.Total)
        {
            throw new PreconditionException(
                $"Not enough free disk for this backup: {LoggingProgressReporter.FormatBytes(free)} free at {at}, and the backup may need up to " +
                $"{LoggingProgressReporter.FormatBytes(estimate.Total)} ({estimate.Describe()}). Nothing was stopped. " +
                "Free space there, or write the backup elsewhere with --output or Backup:Root.");
        }

        return new Sources(postgres, facts, neo4j, uploads, estimate, Catalog.BackupCatalog.LatestArtifactSizes(root));
    }

    private async Task<BackupManifest> CaptureAsync(BackupRequest request, Sources sources, string name, string work, string root, CancellationToken cancellationToken)
    {
        // The first step to fail cancels the others: the backup is lost anyway, and Neo4j comes back sooner.
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var postgres = Step<PostgresComponent>(failFast, sources.Postgres is { } pg
            ? token => CapturePostgresAsync(pg, sources.PostgresFacts!, sources.Expected(BackupComponent.Postgres), work, token)
            : _ => Task.FromResult(new PostgresComponent(ComponentStatus.Skipped, _postgres.Database)));
        var neo4j = Step<Neo4jComponent>(failFast, sources.Neo4j is { } target
            ? token => CaptureNeo4jAsync(target, sources.Expected(BackupComponent.Neo4j), work, root, token)
            : _ => Task.FromResult(new Neo4jComponent(ComponentStatus.Skipped, _options.Neo4j.Database)));
        var uploads = Step<UploadsComponent>(failFast, sources.UploadsPath is { } path
            ? token => CaptureUploadsAsync(path, sources.Estimate, work, token)
            : _ => Task.FromResult(new UploadsComponent(ComponentStatus.Skipped, _options.Uploads.Path)));

        try
        {
            await Task.WhenAll(postgres, neo4j, uploads);
        }
        catch
        {
            // Report the failure that caused the others to be cancelled, not the cancellations.
            var failures = new Task[] { postgres, neo4j, uploads }
                .Where(t => t.IsFaulted)
                .Select(t => t.Exception!.InnerException!)
                .ToList();
            var primary = failures.FirstOrDefault(f => f is not OperationCanceledException) ?? failures.FirstOrDefault();
            if (primary is null)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw;
            }

            ExceptionDispatchInfo.Capture(primary).Throw();
        }

        // All three have completed; awaiting them again only unwraps their results.
        var (postgresComponent, neo4jComponent, uploadsComponent) = (await postgres, await neo4j, await uploads);
        var warnings = new List<string>();
        if (uploadsComponent.Status == ComponentStatus.Missing)
        {
            warnings.Add($"Uploads directory {uploadsComponent.Path} does not exist; the backup has no uploads.tar.gz.");
        }

        warnings.AddRange((uploadsComponent.Skipped ?? []).Select(s => $"Not archived: {s}"));
        var artifacts = new[] { postgresComponent.Artifact, neo4jComponent.Artifact, uploadsComponent.Artifact }.OfType<ArtifactRecord>().ToList();
        var window = artifacts.Count == 0 ? null : new ConsistencyWindow(artifacts.Min(a => a.StartedAt), artifacts.Max(a => a.FinishedAt));
        return new BackupManifest(
            BackupManifest.CurrentFormatVersion,
            _tool.Version,
            name,
            request.Kind,
            _time.GetUtcNow(),
            Environment.MachineName,
            postgresComponent,
            neo4jComponent,
            uploadsComponent,
            window,
            warnings);
    }

    private static async Task<T> Step<T>(CancellationTokenSource failFast, Func<CancellationToken, Task<T>> body)
    {
        try
        {
            return await body(failFast.Token);
        }
        catch
        {
            await failFast.CancelAsync();
            throw;
        }
    }

    private async Task<PostgresComponent> CapturePostgresAsync(ContainerInfo container, PostgresFacts facts, long? expected, string work, CancellationToken cancellationToken)
    {
        var artifact = await WriteArtifactAsync(work, BackupLayout.PostgresFile, "postgres dump", expected, s => _postgres.DumpAsync(container.Name, s, cancellationToken), cancellationToken);
        int entries;
        using (var verify = _progress.Start("postgres verify"))
        {
            entries = await VerifyAsync(() => _postgres.ListArchiveAsync(container.Name, Path.Combine(work, BackupLayout.PostgresFile), cancellationToken));
            verify.Complete(detail: $"pg_restore --list: {entries} entries");
        }

        return new PostgresComponent(
            ComponentStatus.Captured,
            _postgres.Database,
            artifact,
            new SourceRecord(container.Name, container.Image, facts.ServerVersion),
            facts.TableCount,
            facts.RowEstimates,
            entries);
    }

    private async Task<Neo4jComponent> CaptureNeo4jAsync(Neo4jTarget target, long? expected, string work, string root, CancellationToken cancellationToken)
    {
        var wasRunning = target.Container.Running;
        long? nodes = null;
        if (wasRunning)
        {
            nodes = await _neo4j.CountNodesAsync(target, cancellationToken);
        }
        else
        {
            _logger.LogWarning("Neo4j container {Container} is not running; dumping it offline and leaving it stopped", target.Container.Name);
        }

        // Decided while Neo4j still runs: a bind mount when the engine sees this disk, a stream otherwise.
        var directory = await _neo4j.PrepareDumpDirectoryAsync(target, work, cancellationToken);
        var path = Path.Combine(work, BackupLayout.Neo4jFile);
        ArtifactRecord? artifact = null;
        var startedAt = _time.GetUtcNow();
        var downtime = await _neo4j.WhileStoppedAsync(target, root, async () =>
        {
            if (directory is null)
            {
                artifact = await WriteArtifactAsync(work, BackupLayout.Neo4jFile, "neo4j dump", expected, s => _neo4j.DumpToStreamAsync(target, s, cancellationToken), cancellationToken);
                return;
            }

            var written = Path.Combine(directory, target.Database + ".dump");
            using var progress = _progress.Start("neo4j dump", () => File.Exists(written) ? new FileInfo(written).Length : 0, expected);
            await _neo4j.DumpToDirectoryAsync(target, directory, cancellationToken);
            progress.Complete(new FileInfo(written).Length);
        });

        using (var verify = _progress.Start("neo4j verify", expectedBytes: new FileInfo(artifact is null ? Path.Combine(directory!, target.Database + ".dump") : path).Length))
        {
            string? info;
            if (artifact is null)
            {
                // neo4j-admin wrote the file; one read both checksums it and feeds it to neo4j-admin to read back.
                File.Move(Path.Combine(directory!, target.Database + ".dump"), path);
                Directory.Delete(directory!, recursive: true);
                await using var dump = ArtifactFiles.OpenHashing(path);
                info = await VerifyAsync(() => _neo4j.ReadDumpInfoAsync(target, dump, BackupLayout.Neo4jFile, cancellationToken));
                var sha256 = await dump.FinishAsync(cancellationToken);
                Durable(path);
                artifact = new ArtifactRecord(BackupLayout.Neo4jFile, dump.BytesRead, sha256, startedAt, _time.GetUtcNow());
            }
            else
            {
                info = await VerifyAsync(() => _neo4j.ReadDumpInfoAsync(target, path, cancellationToken));
            }

            if (artifact.Size == 0)
            {
                throw new OperationFailedException($"{BackupLayout.Neo4jFile} is empty: the neo4j dump produced no bytes. See {BackupLayout.LogFile} for the tool's output.");
            }

            verify.Complete(detail: info is null ? "non-empty (4.4 has no load --info)" : "neo4j-admin load --info read it");
        }

        return new Neo4jComponent(
            ComponentStatus.Captured,
            target.Database,
            artifact,
            new SourceRecord(target.Container.Name, target.Container.Image, target.Version),
            target.Syntax == Neo4jAdminSyntax.V5 ? "5" : "4.4",
            wasRunning,
            nodes,
            downtime?.TotalSeconds);
    }

    private async Task<UploadsComponent> CaptureUploadsAsync(string path, BackupEstimate estimate, string work, CancellationToken cancellationToken)
    {
        var configured = _options.Uploads.Path;
        if (!Directory.Exists(path))
        {
            _logger.LogWarning("Uploads directory {Path} does not exist; continuing without uploads, as the runbook does", path);
            return new UploadsComponent(ComponentStatus.Missing, configured);
        }

        UploadsStats written = null!;
        var archived = new ByteCounter();
        var artifact = await WriteArtifactAsync(
            work,
            BackupLayout.UploadsFile,
            "uploads archive",
            async s => written = await UploadsArchive.WriteAsync(path, s, cancellationToken, archived),
            cancellationToken,
            progressOf: () => archived.Value,
            expectedBytes: estimate.UploadsBytes + (estimate.UploadFiles * 1024L));
        foreach (var skipped in written.Skipped)
        {
            _logger.LogWarning("Not archived: {Entry}", skipped);
        }

        using var verify = _progress.Start("uploads verify");
        await using var archive = ArtifactFiles.OpenRead(Path.Combine(work, BackupLayout.UploadsFile));
        var read = await VerifyAsync(() => UploadsArchive.ReadAsync(archive, cancellationToken));
        if (read.Files != written.Files || read.Bytes != written.Bytes)
        {
            throw new OperationFailedException($"uploads.tar.gz reads back {read.Files} files ({read.Bytes} bytes) but {written.Files} files ({written.Bytes} bytes) were written.");
        }

        verify.Complete(detail: $"{read.Files} files, {LoggingProgressReporter.FormatBytes(read.Bytes)}");
        return new UploadsComponent(ComponentStatus.Captured, configured, artifact, written.Files, written.Bytes, written.Skipped);
    }

    private Task<ArtifactRecord> WriteArtifactAsync(string directory, string file, string step, long? expected, Func<Stream, Task> produce, CancellationToken cancellationToken) =>
        WriteArtifactAsync(directory, file, step, produce, cancellationToken, expectedBytes: expected);

    /// <summary>
    /// Streams one artifact to disk, hashing on the way, then flushes it and refuses an empty result. Progress
    /// is the bytes written, or <paramref name="progressOf"/> where the step knows better (bytes read from the source).
    /// </summary>
    private async Task<ArtifactRecord> WriteArtifactAsync(
        string directory, string file, string step, Func<Stream, Task> produce, CancellationToken cancellationToken, Func<long>? progressOf = null, long? expectedBytes = null)
    {
        var startedAt = _time.GetUtcNow();
        var path = Path.Combine(directory, file);
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true);
        using var sha256 = SHA256.Create();
        using var progress = _progress.Start(step, progressOf ?? (() => stream.Position), expectedBytes);
        await using (var hashing = new CryptoStream(stream, sha256, CryptoStreamMode.Write, leaveOpen: true))
        {
            await produce(hashing);
            await hashing.FlushFinalBlockAsync(cancellationToken);
        }

        await stream.FlushAsync(cancellationToken);
        stream.Flush(flushToDisk: true);
        if (stream.Length == 0)
        {
            throw new OperationFailedException($"{file} is empty: the {step} produced no bytes. See {BackupLayout.LogFile} for the tool's output.");
        }

        progress.Complete(stream.Length);
        return new ArtifactRecord(file, stream.Length, Convert.ToHexStringLower(sha256.Hash!), startedAt, _time.GetUtcNow());
    }

    /// <summary>Flushes a file another process wrote to disk, as the artifacts this process writes are.</summary>
    private static void Durable(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        RandomAccess.FlushToDisk(handle);
    }

    /// <summary>An artifact that does not read back fails the backup (exit 1), it is not an integrity refusal.</summary>
    private static async Task<T> VerifyAsync<T>(Func<Task<T>> check)
    {
        try
        {
            return await check();
        }
        catch (Exception ex) when (ex is IntegrityException or InvalidDataException)
        {
            throw new OperationFailedException($"Verification failed: {ex.Message}", ex);
        }
    }

    /// <summary>A failed run leaves no directory that could be taken for a backup; its log is kept beside them.</summary>
    private void Discard(string root, string name, string work)
    {
        try
        {
            var log = Path.Combine(work, BackupLayout.LogFile);
            if (File.Exists(log))
            {
                File.Move(log, Path.Combine(root, BackupLayout.FailedLogPrefix + name + ".log"), overwrite: true);
            }

            Directory.Delete(work, recursive: true);
        }
        catch (IOException ex)
        {
            _logger.LogError("Could not remove the unfinished backup {Work}: {Error}. Delete it by hand", work, ex.Message);
        }
    }

    /// <param name="LastSizes">The artifacts' sizes in the newest complete backup: where a dump is expected to end, for progress.</param>
    private sealed record Sources(
        ContainerInfo? Postgres,
        PostgresFacts? PostgresFacts,
        Neo4jTarget? Neo4j,
        string? UploadsPath,
        BackupEstimate Estimate,
        IReadOnlyDictionary<BackupComponent, long> LastSizes)
    {
        public long? Expected(BackupComponent component) => LastSizes.TryGetValue(component, out var size) ? size : null;
    }
}
