using Microsoft.Extensions.Logging;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Engine.Locking;
using Summit.Dr.Logging;
using Summit.Dr.Model;
using Summit.Dr.Steps;

namespace Summit.Dr.Operations.Backup;

/// <summary>
/// Captures the three stores into one timestamped directory. Work happens in `.incomplete-NAME`, which gets
/// its final name only after every artifact is verified and the manifest is flushed (invariant 1). A dry run
/// goes through the same steps and records what they would run.
/// </summary>
public sealed class BackupOperation(
    BackupPreflight preflight, BackupCapture capture, OperationLock operationLock, StepRunner steps, RunLogProvider runLog,
        TimeProvider time, ILogger<BackupOperation> logger)
{
    public string RootFor(BackupRequest request) => preflight.RootFor(request);

    public async Task<BackupResult> RunAsync(BackupRequest request, CancellationToken cancellationToken)
    {
        var log = steps.Begin(request.DryRun);
        using var held = log.DryRun ? null : operationLock.Acquire(RootFor(request), "backup");
        return await RunHoldingLockAsync(request, cancellationToken);
    }

    /// <summary>The backup itself, for a caller that already holds the root's lock (restore's safety backup).</summary>
    public async Task<BackupResult> RunHoldingLockAsync(BackupRequest request, CancellationToken cancellationToken)
    {
        var log = steps.Begin(request.DryRun);
        var started = time.GetTimestamp();
        var root = RootFor(request);
        var sources = await preflight.RunAsync(request, root, cancellationToken);
        var name = BackupLayout.UniqueName(
            root, time.GetLocalNow(), request.Kind == BackupKind.Safety ? BackupLayout.SafetySuffix : string.Empty);
        var work = Path.Combine(root, BackupLayout.IncompletePrefix + name);
        var final = Path.Combine(root, name);
        logger.LogInformation("{What} {Name} into {Root} (summit-dr {Version})", log.DryRun ? "Dry run (what changes anything is listed, " +
            "not run) of backup" : "Backup", name, root, capture.ToolVersion);
        var runLogFile = await steps.RunAsync<IDisposable?>(
            "work directory",
            set => Script.InProcess($"lock {Path.Combine(root, OperationLock.FileName)}; work in {work}; the run's log goes to " +
                $"{BackupLayout.LogFile} there", () =>
            {
                PrivateFiles.CreateDirectory(work);
                set(runLog.Attach(Path.Combine(work, BackupLayout.LogFile)));
            }),
            planned: null,
            cancellationToken);
        BackupManifest? manifest;
        try
        {
            manifest = await capture.RunAsync(request, sources, name, work, root, cancellationToken);
            if (manifest is not null)
            {
                logger.LogInformation("Manifest written; every artifact verified");
            }
        }
        catch (Exception ex)
        {
            logger.LogError("Backup {Name} failed: {Error}", name, ex is OperationCanceledException ? "interrupted" : ex.Message);
            runLogFile?.Dispose();
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

        await steps.RunAsync("complete", () => Script.InProcess($"rename {work} -> {final}: now it is a backup", () =>
        {
            runLogFile?.Dispose();
            Directory.Move(work, final);
        }), cancellationToken);
        return new BackupResult(final, manifest, time.GetElapsedTime(started), log.Records);
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

            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
        catch (IOException ex)
        {
            logger.LogError("Could not remove the unfinished backup {Work}: {Error}. Delete it by hand", work, ex.Message);
        }
    }
}
