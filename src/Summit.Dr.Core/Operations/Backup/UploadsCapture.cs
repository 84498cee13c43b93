using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Progress;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Uploads;

namespace Summit.Dr.Operations.Backup;

/// <summary>
/// The uploads archive of a backup, in one pass: the compressed bytes go to the file (hashed on the way) and,
/// as they are written, to a reader that decompresses them and walks every tar entry, so the archive is proved
/// readable while it is written instead of being read back afterwards.
/// </summary>
public sealed class UploadsCapture(
    ArtifactWriter writer, StepRunner steps, IOptions<SummitDrOptions> options, ILogger<UploadsCapture> logger)
{
    public async Task<UploadsComponent> RunAsync(BackupSources sources, string work, CancellationToken cancellationToken)
    {
        var configured = options.Value.Uploads.Path;
        var path = sources.UploadsPath!;
        if (!Directory.Exists(path))
        {
            logger.LogWarning("Uploads directory {Path} does not exist; continuing without uploads (Uploads:Optional)", path);
            return new UploadsComponent(ComponentStatus.Missing, configured);
        }

        UploadsStats written = null!;
        var archived = new ByteCounter();
        var artifact = Path.Combine(work, BackupLayout.UploadsFile);
        var (record, read) = await ArtifactWriter.VerifyAsync(() => WhileWritten.RunAsync(
            tee => steps.RunAsync<ArtifactRecord>(
                "uploads archive",
                set => Script.InProcess($"in process, no docker: {path} -> {artifact}", async (step, token) => set(await writer.WriteAsync(
                    work,
                    BackupLayout.UploadsFile,
                    step,
                    async s => written = await UploadsArchive.WriteAsync(path, tee(s), archived, UploadsCompression.Choose(path), token),
                    () => archived.Value,
                    token))),
                planned: null!,
                new StepOptions { TracksBytes = true, ExpectedBytes = sources.Estimate.UploadsArchiveBytes },
                cancellationToken),
            (archive, token) => steps.RunAsync<UploadsStats>(
                "uploads verify",
                set => Script.InProcess("in process: every tar entry read back as uploads archive writes it", async (step, t) =>
                {
                    var stats = await UploadsArchive.ReadAsync(archive, t);
                    step.Report(detail: $"{stats.Files} files, {LoggingProgressReporter.FormatBytes(stats.Bytes)}, read while it was " +
                        $"written");
                    set(stats);
                }),
                planned: null!,
                token),
            cancellationToken));
        if (StepRunner.DryRun)
        {
            return new UploadsComponent(ComponentStatus.Skipped, configured);
        }

        foreach (var skipped in written.Skipped)
        {
            logger.LogWarning("Not archived: {Entry}", skipped);
        }

        if (read.Files != written.Files || read.Bytes != written.Bytes)
        {
            throw new OperationFailedException($"uploads.tar.gz reads back {read.Files} files ({read.Bytes} bytes) but {written.Files} " +
                $"files ({written.Bytes} bytes) were written.");
        }

        return new UploadsComponent(
            ComponentStatus.Captured, configured, record, written.Files, written.Bytes, written.Skipped, read.TreeSha256);
    }
}
