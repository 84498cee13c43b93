using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Summit.Dr.Errors;
using Summit.Dr.Engine.Locking;
using Summit.Dr.Model;
using Summit.Dr.Steps;

namespace Summit.Dr.Operations.Backup;

/// <summary>
/// Captures the three stores into one timestamped directory. Work happens in `.incomplete-NAME`, which gets
/// its final name only after every artifact is verified and the manifest is flushed (invariant 1). A dry run
/// goes through the same steps and records what they would run.
/// </summary>
public sealed class BackupOperation(
    BackupWorkspace workspace, BackupPreflight preflight, BackupSealing sealing, BackupCapture capture, OperationLock operationLock,
    StepRunner steps, ILogger<BackupOperation> logger)
{
    /// <summary>The backup root the run writes into.</summary>
    public BackupRoot Root => workspace.Root;

    public async Task<BackupResult> RunAsync(BackupRequest request, CancellationToken cancellationToken)
    {
        var log = steps.Begin(request.DryRun);
        using var held = log.DryRun ? null : operationLock.Acquire(workspace.Root, "backup");
        return await RunHoldingLockAsync(request, cancellationToken);
    }

    /// <summary>The backup itself, for a caller that already holds the root's lock (restore's safety backup).</summary>
    public async Task<BackupResult> RunHoldingLockAsync(BackupRequest request, CancellationToken cancellationToken)
    {
        var log = steps.Begin(request.DryRun);
        var started = Stopwatch.GetTimestamp();
        // The keys are read now: a key that cannot encrypt or sign fails the run before anything is stopped.
        var encryption = sealing.Prepare();
        var sources = await preflight.RunAsync(request, encryption, cancellationToken);
        // Before anything is stopped: a run from another backup root on this platform is refused here (a restore's safety backup
        // holds the restore's). It is given back once the platform is done with, before the backup gets its name: an interrupt
        // that meets the step that gives it back leaves no complete-looking backup.
        await using var platform = await operationLock.HoldPlatformAsync(
            sources.Postgres ?? sources.Neo4j?.Container, "backup", workspace.Root, cancellationToken);
        var (directory, manifest) = await CaptureAsync(request, sources, platform, log.DryRun, cancellationToken);
        return new BackupResult(directory, manifest, Stopwatch.GetElapsedTime(started), log.Records) { Timeline = log.Timeline() };
    }

    private async Task<(string Directory, BackupManifest? Manifest)> CaptureAsync(
        BackupRequest request, BackupSources sources, IAsyncDisposable platform, bool dryRun, CancellationToken cancellationToken)
    {
        var name = workspace.NameFor(request.Kind);
        logger.LogInformation("{What} {Name} into {Root} (summit-dr {Version})", dryRun ? "Dry run (what changes anything is listed, " +
            "not run) of backup" : "Backup", name, workspace.Root, capture.ToolVersion);
        var runLog = await workspace.OpenAsync(name, cancellationToken);
        BackupManifest? manifest;
        try
        {
            manifest = await capture.RunAsync(request, sources, name, workspace.Work(name), cancellationToken);
            if (manifest is not null)
            {
                logger.LogInformation("Manifest written; every artifact verified");
            }

            await platform.DisposeAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch (Exception ex)
        {
            logger.LogError("Backup {Name} failed: {Error}", name, ex is OperationCanceledException ? "interrupted" : ex.Message);
            workspace.Discard(name, runLog);
            if (DiskFull.Is(ex))
            {
                var neo4j = sources.Neo4j is { Container.Running: true } ? " and Neo4j is running again" : string.Empty;
                throw new DiskFullException(
                    $"The disk is full: no space left on the device that holds {workspace.Root}. The unfinished backup was " +
                        $"removed{neo4j}. " +
                    "Free space there, or write the backup elsewhere with --output or Backup:Root.", ex);
            }

            throw;
        }

        return (await workspace.CompleteAsync(name, runLog, cancellationToken), manifest);
    }
}
