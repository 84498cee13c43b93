using Microsoft.Extensions.Logging;
using Summit.Dr.Archive.Catalog;
using Summit.Dr.Engine.Locking;
using Summit.Dr.IO;
using Summit.Dr.Logging;
using Summit.Dr.Model;
using Summit.Dr.Steps;

namespace Summit.Dr.Operations.Backup;

/// <summary>
/// Where a backup is made in the backup root: `.incomplete-NAME`, with the run's log in it, renamed to NAME only once
/// everything in it is verified (invariant 1), or removed with its log kept beside the backups when the run fails.
/// </summary>
public sealed class BackupWorkspace(
    BackupRoot root, RunLogProvider runLog, StepRunner steps, TimeProvider time, ILogger<BackupWorkspace> logger)
{
    public BackupRoot Root => root;

    /// <summary>A name of the local time the backup starts at, unique in the root.</summary>
    public string NameFor(BackupKind kind) =>
        BackupLayout.UniqueName(root.Path, time.GetLocalNow(), kind == BackupKind.Safety ? BackupLayout.SafetySuffix : string.Empty);

    public string Work(string name) => root.Of(BackupLayout.IncompletePrefix + name);

    /// <summary>The work directory made, private, with the run's log going into it (null in a dry run).</summary>
    public Task<IDisposable?> OpenAsync(string name, CancellationToken cancellationToken)
    {
        var work = Work(name);
        return steps.RunAsync<IDisposable?>(
            "work directory",
            set => Script.InProcess($"lock {root.Of(OperationLock.FileName)}; work in {work}; the run's log goes to " +
                $"{BackupLayout.LogFile} there", () =>
            {
                PrivateFiles.CreateDirectory(work);
                set(runLog.Attach(Path.Combine(work, BackupLayout.LogFile)));
            }),
            planned: null,
            cancellationToken);
    }

    /// <summary>The work directory takes the backup's name: now it is a backup. Returns its path.</summary>
    public async Task<string> CompleteAsync(string name, IDisposable? log, CancellationToken cancellationToken)
    {
        var (work, final) = (Work(name), root.Of(name));
        await steps.RunAsync("complete", () => Script.InProcess($"rename {work} -> {final}: now it is a backup", () =>
        {
            log?.Dispose();
            Directory.Move(work, final);
        }), cancellationToken);
        return final;
    }

    /// <summary>A failed run leaves no directory that could be taken for a backup; its log is kept beside them.</summary>
    public void Discard(string name, IDisposable? log)
    {
        log?.Dispose();
        var work = Work(name);
        try
        {
            var file = Path.Combine(work, BackupLayout.LogFile);
            if (File.Exists(file))
            {
                File.Move(file, root.Of(FailedLogs.NameOf(name)), overwrite: true);
            }

            // They do not pile up: the newest stay.
            foreach (var old in FailedLogs.Beyond(root.Path, FailedLogs.Kept))
            {
                File.Delete(old);
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
