using Microsoft.Extensions.Logging;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Kept;
using Summit.Dr.Progress;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Uploads;

namespace Summit.Dr.Operations.Restore;

/// <summary>
/// The uploads of a restore: extracted beside the live tree, on its filesystem, in the same read that checks every
/// entry and the archive's checksum; swapped in by two renames, the live tree kept aside.
/// </summary>
public sealed class UploadsRestore(
    UploadsStaging staging, KeptStores kept, StepRunner steps, ILogger<UploadsRestore> logger) : IStoreRestore
{
    public BackupComponent Component => BackupComponent.Uploads;

    public bool Serves(RestoreContext context) => true;

    /// <summary>
    /// The uploads are extracted beside the live tree before the live tree is renamed away: both must fit at once.
    /// Refused before anything is prepared (exit 3) when the manifest's bytes (plus a block per file) exceed the free space there.
    /// </summary>
    public void Require(RestoreContext context)
    {
        if (context.State.Uploads is not { } keptUploads || context.Opened.Manifest?.Uploads is not { Bytes: { } bytes, Files: { } files })
        {
            return;
        }

        var parent = Path.GetDirectoryName(Path.GetFullPath(keptUploads.Path).TrimEnd('/'))!;
        if (!Directory.Exists(parent))
        {
            return;
        }

        var needed = bytes + (files * UploadsTree.DiskBytesPerFile);
        var free = new DriveInfo(parent).AvailableFreeSpace;
        if (free < needed)
        {
            throw new PreconditionException(
                $"Not enough free disk to restore the uploads: {LoggingProgressReporter.FormatBytes(free)} free at {parent}, and the " +
                    $"backup's uploads need " +
                $"{LoggingProgressReporter.FormatBytes(needed)} there beside the live tree until the swap. Nothing was touched. Free " +
                    $"space there, or restore with --only postgres,neo4j.");
        }
    }

    /// <summary>Extraction beside the live tree is the check: every entry before it is written, the checksum of the whole on the
    /// way.</summary>
    public async Task<IRestoringStore> PrepareAsync(RestoreContext context, CancellationToken cancellationToken)
    {
        var opened = context.Opened;
        var live = context.State.Uploads!.Path;
        var path = Path.Combine(opened.Directory, BackupLayout.UploadsFile);
        var staged = await steps.RunAsync<StagedUploads?>($"check {BackupLayout.UploadsFile}", set => Script.InProcess(
                $"in process: extract {path} beside {live}, every entry a regular file or directory under uploads/, checked before it is " +
                    $"written; the same read computes its SHA-256",
                async (step, token) => set(await StageAsync(opened, live, step, token))),
            planned: null, new StepOptions { TracksBytes = true, ExpectedBytes = File.Exists(path) ? new FileInfo(path).Length : null },
                cancellationToken);
        return new Prepared(staged, kept, steps, logger);
    }

    private async Task<StagedUploads> StageAsync(OpenedBackup opened, string live, RunningStep step, CancellationToken cancellationToken)
    {
        var staged = await staging.StageAsync(opened, live, step.Track, cancellationToken);
        step.Report(staged.Archive, $"{staged.Tree.Stats.Files} files, every entry safe, extracted beside the live tree");
        return staged.Tree;
    }

    /// <summary>The extracted tree (null in a dry run), waiting beside the live one.</summary>
    private sealed class Prepared(StagedUploads? staged, KeptStores kept, StepRunner steps, ILogger logger) : IRestoringStore
    {
        public BackupComponent Component => BackupComponent.Uploads;

        public Task ReadyAsync() => Task.CompletedTask;

        public async Task<StoreSwapped> SwapInAsync(SwapProgress state, CancellationToken cancellationToken)
        {
            var up = state.Current.Uploads!;
            await steps.RunAsync("restore uploads", () => Script.InProcess($"in process: rename {up.Path} -> {up.Kept}, then the " +
                $"extracted tree -> {up.Path}", () =>
            {
                var mode = staged!.SwapIn(up.Kept);
                state.Update(s => s with { Uploads = up with { Existed = mode is not null, Swapped = true, Mode = mode } });
            }), cancellationToken);
            return StoreSwapped.Nothing;
        }

        public Task<StoreOutcome?> PutBackAsync(SwapProgress state, CancellationToken cancellationToken) =>
            RestoreRollback.PutBackAsync(state, BackupComponent.Uploads, state.Current.Uploads?.Swapped, () =>
            {
                kept.PutUploadsBack(state.Current.Uploads!, state.Current.Id);
                return Task.CompletedTask;
            }, s => s with { Uploads = null }, logger);

        public Task FinishAsync() => Task.CompletedTask;

        public Task CloseAsync() => Task.CompletedTask;

        public Task ReleaseAsync(KeptState state)
        {
            staged?.Dispose();
            return Task.CompletedTask;
        }

        public string Restored(string backup) => $"restored from {backup}";
    }
}
