using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Docker;
using Summit.Dr.Encryption;
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
/// its final name only after every artifact is verified and the manifest is flushed (invariant 1). Neo4j is
/// down for its own dump only: the PostgreSQL dump and the uploads archive are written and checked before
/// the stop, and the Neo4j dump is checked after the start.
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
    private readonly ArtifactEncryption _encryption;
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
        ArtifactEncryption encryption,
        ILogger<BackupOperation> logger)
    {
        _encryption = encryption;
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
        // Side by side: each store's container, and what it holds.
        async Task<(ContainerInfo, PostgresFacts)?> Postgres()
        {
            var container = await _docker.RequireRunningAsync(_postgres.Container, "PostgreSQL", "Postgres:Container", "run the backup again", _discovery.HintFor("Postgres:Container"), cancellationToken, _discovery.Inspected("Postgres:Container", _postgres.Container));
            return (container, await _postgres.CollectFactsAsync(container.Name, cancellationToken));
        }

        async Task<(Neo4jTarget, long?)?> Neo4j()
        {
            var target = _neo4j.Describe(await _docker.RequireAsync(_options.Neo4j.Container, "Neo4j", "Neo4j:Container", _discovery.HintFor("Neo4j:Container"), cancellationToken, _discovery.Inspected("Neo4j:Container", _options.Neo4j.Container)));
            return (target, await _neo4j.StoreSizeAsync(target, cancellationToken));
        }

        var postgresTask = request.Components.Contains(BackupComponent.Postgres) ? Postgres() : Task.FromResult<(ContainerInfo, PostgresFacts)?>(null);
        var neo4jTask = request.Components.Contains(BackupComponent.Neo4j) ? Neo4j() : Task.FromResult<(Neo4jTarget, long?)?>(null);
        var uploads = request.Components.Contains(BackupComponent.Uploads) ? _workingDirectory.Resolve(_options.Uploads.Path) : null;
        (int Files, long Bytes)? tree = uploads is null ? null : UploadsTree.Measure(uploads);
        await WhenAllAsync(cancellationToken, postgresTask, neo4jTask);
        var (postgres, facts) = await postgresTask is { } p ? p : (null!, null!);
        var (neo4j, storeBytes) = await neo4jTask is { } n ? n : (null!, null);

        // The public keys are read now: a key that cannot encrypt fails the run before anything is stopped.
        var encryption = _encryption.Describe();
        var estimate = new BackupEstimate(facts?.DatabaseBytes, storeBytes, tree?.Bytes, tree?.Files ?? 0);
        var (free, at) = FreeSpace.Of(root);
        if (free < estimate.Total)
        {
            throw new PreconditionException(
                $"Not enough free disk for this backup: {LoggingProgressReporter.FormatBytes(free)} free at {at}, and the backup may need up to " +
                $"{LoggingProgressReporter.FormatBytes(estimate.Total)} ({estimate.Describe()}). Nothing was stopped. " +
                "Free space there, or write the backup elsewhere with --output or Backup:Root.");
        }

        return new Sources(postgres, facts, neo4j, uploads, estimate, Catalog.BackupCatalog.LatestArtifactSizes(root), encryption);
    }

    /// <summary>
    /// Neo4j's downtime is what the platform's users feel, so nothing else of the backup runs while it is down:
    /// first the PostgreSQL dump and the uploads archive (each checked as soon as it is written), side by side
    /// while Neo4j still serves, together with the container the Neo4j dump will run in and the node count;
    /// then Neo4j is stopped, dumped and started, alone; then its dump is checked.
    /// </summary>
    private async Task<BackupManifest> CaptureAsync(BackupRequest request, Sources sources, string name, string work, string root, CancellationToken cancellationToken)
    {
        var progress = new RecordingProgress(_progress, _time);
        // The first step to fail cancels the others: the backup is lost anyway.
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var target = sources.Neo4j;
        if (target is { Container.Running: false })
        {
            _logger.LogWarning("Neo4j container {Container} is not running; dumping it offline and leaving it stopped", target.Container.Name);
        }

        var bench = Step<Neo4jWorkbench?>(failFast, target is null
            ? _ => Task.FromResult<Neo4jWorkbench?>(null)
            : async token => (Neo4jWorkbench?)await _neo4j.StartDumpWorkbenchAsync(target, Path.Combine(work, Neo4jService.DumpDirectoryName), token, stream: sources.Encryption is not null));
        var nodes = Step<long?>(failFast, target is { Container.Running: true }
            ? token => _neo4j.CountNodesAsync(target, token)
            : _ => Task.FromResult<long?>(null));
        var relationships = Step<long?>(failFast, target is { Container.Running: true }
            ? token => _neo4j.CountRelationshipsAsync(target, token)
            : _ => Task.FromResult<long?>(null));
        var postgres = Step<PostgresComponent>(failFast, sources.Postgres is { } pg
            ? token => CapturePostgresAsync(pg, sources.PostgresFacts!, sources.Expected(BackupComponent.Postgres), work, progress, token)
            : _ => Task.FromResult(new PostgresComponent(ComponentStatus.Skipped, _postgres.Database)));
        var uploads = Step<UploadsComponent>(failFast, sources.UploadsPath is { } path
            ? token => CaptureUploadsAsync(path, sources.Estimate, work, progress, token)
            : _ => Task.FromResult(new UploadsComponent(ComponentStatus.Skipped, _options.Uploads.Path)));

        Neo4jComponent neo4jComponent;
        try
        {
            await WhenAllAsync(cancellationToken, postgres, uploads, bench, nodes, relationships);
            neo4jComponent = target is null
                ? new Neo4jComponent(ComponentStatus.Skipped, _options.Neo4j.Database)
                : await CaptureNeo4jAsync(target, (await bench)!, (await nodes, await relationships), sources.Expected(BackupComponent.Neo4j), work, root, progress, cancellationToken);
        }
        finally
        {
            if (bench.IsCompletedSuccessfully && await bench is { } started)
            {
                await started.DisposeAsync();
            }
        }

        var (postgresComponent, uploadsComponent) = (await postgres, await uploads);
        var warnings = new List<string>();
        if (uploadsComponent.Status == ComponentStatus.Missing)
        {
            warnings.Add($"Uploads directory {uploadsComponent.Path} does not exist; the backup has no uploads.tar.gz.");
        }

        warnings.AddRange((uploadsComponent.Skipped ?? []).Select(s => $"Not archived: {s}"));
        var artifacts = new[] { postgresComponent.Artifact, neo4jComponent.Artifact, uploadsComponent.Artifact }.OfType<ArtifactRecord>().ToList();
        var window = artifacts.Count == 0 ? null : new ConsistencyWindow(artifacts.Min(a => a.StartedAt), artifacts.Max(a => a.FinishedAt));
        return new BackupManifest(
            sources.Encryption is null ? BackupManifest.PlainFormatVersion : BackupManifest.CurrentFormatVersion,
            _tool.Version,
            name,
            request.Kind,
            _time.GetUtcNow(),
            Environment.MachineName,
            postgresComponent,
            neo4jComponent,
            uploadsComponent,
            window,
            warnings,
            progress.Steps,
            sources.Encryption);
    }

    /// <summary>Waits for all; when one fails, reports that failure rather than the cancellations it caused.</summary>
    private static async Task WhenAllAsync(CancellationToken cancellationToken, params Task[] tasks)
    {
        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            var failures = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).ToList();
            var primary = failures.FirstOrDefault(f => f is not OperationCanceledException) ?? failures.FirstOrDefault();
            if (primary is null)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw;
            }

            ExceptionDispatchInfo.Capture(primary).Throw();
        }
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

    private async Task<PostgresComponent> CapturePostgresAsync(ContainerInfo container, PostgresFacts facts, long? expected, string work, RecordingProgress progress, CancellationToken cancellationToken)
    {
        // The exact row count of every table, counted in the dump's own snapshot: what a drill proves against.
        IReadOnlyDictionary<string, long>? rows = null;
        var (artifact, entries) = await VerifyAsync(() => WhileWritten.RunAsync(
            tee => WriteArtifactAsync(work, BackupLayout.PostgresFile, "postgres dump", progress, async s => rows = await _postgres.DumpCountingRowsAsync(container.Name, tee(s), cancellationToken), cancellationToken, expectedBytes: expected),
            (dump, token) => _postgres.ListArchiveAsync(container.Name, dump, BackupLayout.PostgresFile, token),
            cancellationToken));
        using (var verify = progress.Start("postgres verify"))
        {
            verify.Complete(detail: $"pg_restore --list: {entries} entries, read while it was written");
        }

        return new PostgresComponent(
            ComponentStatus.Captured,
            _postgres.Database,
            artifact,
            new SourceRecord(container.Name, container.Image, facts.ServerVersion),
            facts.TableCount,
            facts.RowEstimates,
            entries,
            rows);
    }

    private async Task<Neo4jComponent> CaptureNeo4jAsync(
        Neo4jTarget target, Neo4jWorkbench bench, (long? Nodes, long? Relationships) counts, long? expected, string work, string root, RecordingProgress progress, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(work, Neo4jService.DumpDirectoryName);
        var path = Path.Combine(work, BackupLayout.Neo4jFile);
        var startedAt = _time.GetUtcNow();
        ArtifactRecord? streamed = null;
        string? written = null;
        var readWhileWritten = false;
        string? infoWhileWritten = null;
        var downtime = await _neo4j.WhileStoppedAsync(target, root, async () =>
        {
            if (!bench.SeesMount && _encryption.Enabled)
            {
                // Only ciphertext reaches the disk: neo4j-admin reads the plaintext dump as it streams past.
                (streamed, infoWhileWritten) = await VerifyAsync(() => WhileWritten.RunAsync(
                    tee => WriteArtifactAsync(work, BackupLayout.Neo4jFile, "neo4j dump", progress, s => _neo4j.DumpAsync(bench, directory, tee(s), cancellationToken), cancellationToken, expectedBytes: expected),
                    (dump, token) => _neo4j.ReadDumpInfoAsync(bench, () => dump, BackupLayout.Neo4jFile, token),
                    cancellationToken));
                readWhileWritten = true;
                return;
            }

            if (!bench.SeesMount)
            {
                streamed = await WriteArtifactAsync(work, BackupLayout.Neo4jFile, "neo4j dump", progress, s => _neo4j.DumpAsync(bench, directory, s, cancellationToken), cancellationToken, expectedBytes: expected);
                return;
            }

            var file = Path.Combine(directory, target.Database + ".dump");
            using var step = progress.Start("neo4j dump", () => File.Exists(file) ? new FileInfo(file).Length : 0, expected);
            written = await _neo4j.DumpAsync(bench, directory, null, cancellationToken);
            step.Complete(new FileInfo(written!).Length);
        }, bench);

        // Neo4j answers again: the dump is checked now, off its downtime.
        ArtifactRecord artifact;
        string? info;
        using (var verify = progress.Start("neo4j verify"))
        {
            if (written is not null)
            {
                // neo4j-admin reads the dump where it wrote it while this process checksums it; both reads come from the page cache.
                var reading = VerifyAsync(() => _neo4j.ReadDumpInfoAsync(bench, () => ArtifactFiles.OpenRead(written), BackupLayout.Neo4jFile, cancellationToken));
                string sha256;
                long size;
                await using (var file = ArtifactFiles.OpenHashing(written))
                {
                    sha256 = await file.FinishAsync(cancellationToken);
                    size = file.BytesRead;
                }

                info = await reading;
                File.Move(written, path);
                Directory.Delete(directory, recursive: true);
                Durable(path);
                artifact = new ArtifactRecord(BackupLayout.Neo4jFile, size, sha256, startedAt, _time.GetUtcNow());
            }
            else
            {
                artifact = streamed!;
                info = readWhileWritten
                    ? infoWhileWritten
                    : await VerifyAsync(() => _neo4j.ReadDumpInfoAsync(bench, () => ArtifactFiles.OpenRead(path), BackupLayout.Neo4jFile, cancellationToken));
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
            target.Container.Running,
            counts.Nodes,
            downtime?.Duration?.TotalSeconds,
            downtime?.StoppedAt,
            downtime?.StartedAt,
            counts.Relationships);
    }

    private async Task<UploadsComponent> CaptureUploadsAsync(string path, BackupEstimate estimate, string work, RecordingProgress progress, CancellationToken cancellationToken)
    {
        var configured = _options.Uploads.Path;
        if (!Directory.Exists(path))
        {
            _logger.LogWarning("Uploads directory {Path} does not exist; continuing without uploads, as the runbook does", path);
            return new UploadsComponent(ComponentStatus.Missing, configured);
        }

        // One pass: the compressed bytes go to the file (hashed on the way) and, as they are written, to a
        // reader on another thread that decompresses them and walks every tar entry, so the archive is proved
        // readable while it is written instead of being read back afterwards.
        UploadsStats written = null!;
        var archived = new ByteCounter();
        var (artifact, read) = await VerifyAsync(() => WhileWritten.RunAsync(
            tee => WriteArtifactAsync(
                work,
                BackupLayout.UploadsFile,
                "uploads archive",
                progress,
                async s => written = await UploadsArchive.WriteAsync(path, tee(s), cancellationToken, archived, UploadsCompression.Choose(path)),
                cancellationToken,
                progressOf: () => archived.Value,
                expectedBytes: estimate.UploadsBytes + (estimate.UploadFiles * 1024L)),
            (archive, token) => UploadsArchive.ReadAsync(archive, token),
            cancellationToken));
        foreach (var skipped in written.Skipped)
        {
            _logger.LogWarning("Not archived: {Entry}", skipped);
        }

        using var verify = progress.Start("uploads verify");
        if (read.Files != written.Files || read.Bytes != written.Bytes)
        {
            throw new OperationFailedException($"uploads.tar.gz reads back {read.Files} files ({read.Bytes} bytes) but {written.Files} files ({written.Bytes} bytes) were written.");
        }

        verify.Complete(detail: $"{read.Files} files, {LoggingProgressReporter.FormatBytes(read.Bytes)}, read while it was written");
        return new UploadsComponent(ComponentStatus.Captured, configured, artifact, written.Files, written.Bytes, written.Skipped, read.TreeSha256);
    }

    /// <summary>
    /// Streams one artifact to disk, encrypting when encryption is configured and hashing on the way, then
    /// flushes it and refuses an empty result. Progress
    /// is the bytes written, or <paramref name="progressOf"/> where the step knows better (bytes read from the source).
    /// </summary>
    private async Task<ArtifactRecord> WriteArtifactAsync(
        string directory, string file, string step, RecordingProgress progress, Func<Stream, Task> produce, CancellationToken cancellationToken, Func<long>? progressOf = null, long? expectedBytes = null)
    {
        var startedAt = _time.GetUtcNow();
        var path = Path.Combine(directory, file);
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true);
        using var sha256 = SHA256.Create();
        var plaintext = new ByteCounter();
        using var reporting = progress.Start(step, progressOf ?? (() => stream.Position), expectedBytes);
        await using (var hashing = new CryptoStream(stream, sha256, CryptoStreamMode.Write, leaveOpen: true))
        {
            if (_encryption.Enabled)
            {
                // Encrypted as it is written: the checksum, like the file, is the ciphertext's.
                await using (var encrypting = _encryption.Encrypt(hashing, file))
                {
                    await produce(new CountingWriteStream(encrypting, plaintext));
                }
            }
            else
            {
                await produce(new CountingWriteStream(hashing, plaintext));
            }

            await hashing.FlushFinalBlockAsync(cancellationToken);
        }

        await stream.FlushAsync(cancellationToken);
        stream.Flush(flushToDisk: true);
        if (plaintext.Value == 0)
        {
            throw new OperationFailedException($"{file} is empty: the {step} produced no bytes. See {BackupLayout.LogFile} for the tool's output.");
        }

        reporting.Complete(stream.Length);
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
        IReadOnlyDictionary<BackupComponent, long> LastSizes,
        EncryptionRecord? Encryption)
    {
        public long? Expected(BackupComponent component) => LastSizes.TryGetValue(component, out var size) ? size : null;
    }
}
