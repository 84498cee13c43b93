using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Summit.Dr.Archive.Catalog;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Steps;

namespace Summit.Dr.Operations.Drill;

/// <summary>
/// Rehearses a restore without touching the live platform: the backup is verified as restore verifies it,
/// then restored into scratch containers of the live containers' own images (fresh labelled volumes, no
/// network, their users, database names and auth) and a scratch uploads directory; the result is proved
/// against the manifest's facts (tables and exact row counts, node and relationship counts, every upload's
/// hash); the recovery time is measured; everything it created is removed, also on failure and Ctrl+C.
/// </summary>
public sealed class DrillOperation(
    DrillSetup setup, DrillPostgres postgres, DrillNeo4j neo4j, DrillUploads uploads, StepRunner steps, TimeProvider time,
        ILogger<DrillOperation> logger)
{
    /// <param name="to">Rehearse a restore to this point in time: PostgreSQL from a base backup and the WAL archive.</param>
    public async Task<DrillResult> RunAsync(string backup, bool keep, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var log = steps.Begin(dryRun: false);
        var started = Stopwatch.GetTimestamp();
        var (opened, plan) = await setup.OpenAsync(backup, to, cancellationToken);
        var id = DrillSetup.NewId(time.GetLocalNow());
        var checks = new DrillChecks();
        var warnings = opened.Warnings.ToList();
        var images = new List<string>();
        logger.LogInformation("Drill {Id} of {Backup}: scratch containers beside the platform, nothing live is touched", id, opened.Name);
        var scratch = setup.Scratch(id);
        scratch.Keep = keep;
        try
        {
            var (postgresImage, neo4jImage) = await setup.ImagesAsync(opened, images, cancellationToken);
            // To a point in time, PostgreSQL's drill runs steps of its own (the restore's: verify, stage, read, lay, recover).
            Task Store(BackupComponent component, string step, Func<CancellationToken, Task> drill, CancellationToken token) =>
                !opened.Present.Contains(component) ? Task.CompletedTask
                    : component == BackupComponent.Postgres && plan is not null ? steps.ComposeAsync(step, drill, token)
                    : steps.InProcessAsync(step, (_, t) => drill(t), StepOptions.Default, token);

            // The stores restore side by side; the first failure stops the others.
            await steps.ConcurrentlyAsync(
                [
                    token => Store(
                        BackupComponent.Postgres, "restore postgres", t =>
                            postgres.RunAsync(scratch, opened, postgresImage!, checks, plan, t), token),
                    token => Store(
                        BackupComponent.Neo4j, "restore neo4j", t => neo4j.RunAsync(scratch, opened, neo4jImage!, checks, t), token),
                    token => Store(BackupComponent.Uploads, "restore uploads", t => uploads.RunAsync(scratch, opened, checks, t), token),
                ],
                cancellationToken);
            if (opened.Manifest is null)
            {
                warnings.Add("The backup has no manifest: no facts were recorded to compare with. The proof is that every store " +
                    "restores, answers and extracts.");
            }

            var total = Stopwatch.GetElapsedTime(started);
            var ordered = checks.Ordered();
            var proven = ordered.All(c => c.Passed);
            setup.Record(
                opened.Directory, proven ? DrillRecord.Proven : "mismatch", total, proven ? null
                    : string.Join("; ", ordered.Where(c => !c.Passed).Select(c => c.Detail)), time.GetUtcNow());
            var timed = log.Timeline();
            return new DrillResult(
                opened.Directory, id, proven, opened.Manifest is not null, timed, ordered, total, images, warnings, keep,
                scratch.Containers, scratch.Volumes, scratch.Directory) { Trust = opened.Trust };
        }
        catch (Exception ex)
        {
            var result = ex is OperationCanceledException
                ? DrillRecord.Interrupted : ex is IntegrityException ? "not restorable" : "failed";
            setup.Record(opened.Directory, result, Stopwatch.GetElapsedTime(started), ex.Message, time.GetUtcNow());
            throw;
        }
        finally
        {
            await scratch.DisposeAsync();
        }
    }
}
