using Microsoft.Extensions.Options;
using Summit.Dr.Archive.Catalog;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Model;
using Summit.Dr.Progress;
using Summit.Dr.Steps;
using Summit.Dr.Stores;
using Summit.Dr.Stores.Neo4j;
using Summit.Dr.Stores.Postgres;
using Summit.Dr.Stores.Uploads;

namespace Summit.Dr.Operations.Backup;

/// <summary>
/// Everything a backup checks before the first container is stopped: the containers, the facts worth
/// recording, and whether the backup can fit in the free space of the root (exit 3 when it cannot, nothing
/// stopped). It only asks questions, so a dry run asks them too.
/// </summary>
public sealed class BackupPreflight(
    PlatformContainers containers, PostgresService postgres, Neo4jQueries neo4j, StepRunner steps, IOptions<SummitDrOptions> options,
        PlatformPaths paths, BackupRoot root)
{
    public Task<BackupSources> RunAsync(BackupRequest request, EncryptionRecord? encryption, CancellationToken cancellationToken) =>
        steps.AskAsync("check sources", async (_, token) =>
        {
            ContainerInfo? pg = null;
            PostgresFacts? facts = null;
            Neo4jTarget? graph = null;
            long? storeBytes = null;
            var uploads = request.Components.Contains(BackupComponent.Uploads) ? paths.Uploads
                : null;

            (int Files, long Bytes)? tree = null;
            // The containers are found one after the other, PostgreSQL first, so a missing one is always reported
            // the same way; only the slower questions about them run side by side.
            if (request.Components.Contains(BackupComponent.Postgres))
            {
                pg = await containers.PostgresAsync("run the backup again", token);
            }

            if (request.Components.Contains(BackupComponent.Neo4j))
            {
                graph = await containers.Neo4jAsync(token);
            }

            if (uploads is not null && !Directory.Exists(uploads) && !options.Value.Uploads.Optional)
            {
                // After the containers, which say more when the directory is the wrong one. A backup reported as success that
                // misses a store is the worst kind: refused before anything is stopped.
                throw new PreconditionException($"The uploads directory {uploads} does not exist. Nothing was stopped. Run summit-dr " +
                    "from the platform's directory (the one that holds server/uploads) or --workdir it, set Uploads:Path, back up the " +
                    "other stores with --only postgres,neo4j, or set Uploads:Optional=true to back up without uploads.");
            }

            await steps.ConcurrentlyAsync(
                [
                async t =>
                {
                    if (request.Components.Contains(BackupComponent.Postgres))
                    {
                        facts = await steps.AskAsync("postgres facts", (_, t2) => postgres.CollectFactsAsync(pg!.Name, null, t2), t);
                    }
                },
                async t =>
                {
                    if (request.Components.Contains(BackupComponent.Neo4j))
                    {
                        storeBytes = await steps.AskAsync("neo4j store size", (_, t2) => neo4j.StoreSizeAsync(graph!, t2), t);
                    }
                },
                t =>
                {
                    tree = uploads is null ? null : UploadsTree.Measure(uploads);
                    return Task.CompletedTask;
                },
                ],
                token);

            // With point-in-time recovery the base backup goes beside the dump: the database's size again, at most.
            var estimate = new BackupEstimate(
                facts?.DatabaseBytes * (options.Value.Pitr.Enabled ? 2 : 1), storeBytes, tree?.Bytes, tree?.Files ?? 0);
            var (free, at) = FreeSpace.Of(root.Path);
            if (free < estimate.Total)
            {
                throw new PreconditionException(
                    $"Not enough free disk for this backup: {LoggingProgressReporter.FormatBytes(free)} free at {at}, and the backup may " +
                        $"need up to " +
                    $"{LoggingProgressReporter.FormatBytes(estimate.Total)} ({estimate.Describe()}). Nothing was stopped. " +
                    "Free space there, or write the backup elsewhere with --output or Backup:Root.");
            }

            var configured = options.Value;
            return new BackupSources(pg, facts, graph, uploads, estimate, BackupCatalog.LatestArtifactSizes(root.Path), encryption)
            {
                Configured = (configured.Postgres.Database, configured.Neo4j.Database, configured.Uploads.Path),
            };
        }, cancellationToken);
}
