using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Summit.Dr.Backup;
using Summit.Dr.Catalog;
using Summit.Dr.Configuration;
using Summit.Dr.Docker;
using Summit.Dr.Encryption;
using Summit.Dr.Errors;
using Summit.Dr.Health;
using Summit.Dr.Manifest;
using Summit.Dr.Neo4j;
using Summit.Dr.Operations;
using Summit.Dr.Postgres;
using Summit.Dr.Progress;
using Summit.Dr.Restore;
using Summit.Dr.Uploads;

namespace Summit.Dr.Drill;

/// <summary>
/// Rehearses a restore without touching the live platform: the backup is verified as restore verifies it,
/// then restored into scratch containers of the live containers' own images (fresh labelled volumes, no
/// network, their users, database names and auth) and a scratch uploads directory; the result is proved
/// against the manifest's facts (tables and exact row counts, node and relationship counts, every upload's
/// hash); the recovery time is measured; everything it created is removed, also on failure and Ctrl+C.
/// </summary>
public sealed class DrillOperation
{
    private readonly DockerCli _docker;
    private readonly PostgresService _postgres;
    private readonly Neo4jService _neo4j;
    private readonly BackupCatalog _catalog;
    private readonly BackupVerifier _verifier;
    private readonly IProgressReporter _progress;
    private readonly SummitDrOptions _options;
    private readonly ToolInfo _tool;
    private readonly TimeProvider _time;
    private readonly ArtifactEncryption _encryption;
    private readonly ILogger<DrillOperation> _logger;

    public DrillOperation(
        DockerCli docker,
        PostgresService postgres,
        Neo4jService neo4j,
        BackupCatalog catalog,
        BackupVerifier verifier,
        IProgressReporter progress,
        IOptions<SummitDrOptions> options,
        ToolInfo tool,
        TimeProvider time,
        ArtifactEncryption encryption,
        ILogger<DrillOperation> logger)
    {
        _encryption = encryption;
        _docker = docker;
        _postgres = postgres;
        _neo4j = neo4j;
        _catalog = catalog;
        _verifier = verifier;
        _progress = progress;
        _options = options.Value;
        _tool = tool;
        _time = time;
        _logger = logger;
    }

    public async Task<DrillResult> RunAsync(string backup, bool keep, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var directory = _catalog.Resolve(backup);
        var opened = await _verifier.OpenAsync(directory, cancellationToken);
        _encryption.RequireKeys(opened);
        var id = _time.GetLocalNow().ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 3));
        var steps = new List<RestoreStep>();
        var checks = new List<HealthCheck>();
        var warnings = opened.Warnings.ToList();
        var images = new List<string>();
        _logger.LogInformation("Drill {Id} of {Backup}: scratch containers beside the platform, nothing live is touched", id, opened.Name);
        var scratch = new DrillScratch(_docker, id, _logger) { Keep = keep };
        try
        {
            var sources = await ImagesAsync(opened, images, cancellationToken);
            await TimedAsync(steps, "verify backup", () => VerifyAsync(opened, cancellationToken));
            // The stores restore side by side; the first failure stops the others.
            using var phase = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task Store(BackupComponent component, string step, Func<CancellationToken, Task> drill) =>
                opened.Present.Contains(component) ? TimedAsync(steps, step, () => drill(phase.Token)) : Task.CompletedTask;
            await StoreTasks.WhenAllAsync(
            [
                Store(BackupComponent.Postgres, "restore postgres", token => DrillPostgresAsync(scratch, opened, sources.Postgres!, checks, token)),
                Store(BackupComponent.Neo4j, "restore neo4j", token => DrillNeo4jAsync(scratch, opened, sources.Neo4j!, checks, token)),
                Store(BackupComponent.Uploads, "restore uploads", token => DrillUploadsAsync(scratch, opened, checks, token)),
            ], cancellationToken, phase);
            if (opened.Manifest is null)
            {
                warnings.Add("The backup has no manifest: no facts were recorded to compare with. The proof is that every store restores, answers and extracts.");
            }

            var total = Stopwatch.GetElapsedTime(started);
            var ordered = checks.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
            var proven = ordered.All(c => c.Passed);
            Record(opened.Directory, proven ? "proven" : "mismatch", total, proven ? null : string.Join("; ", ordered.Where(c => !c.Passed).Select(c => c.Detail)));
            return new DrillResult(opened.Directory, id, proven, opened.Manifest is not null, steps, ordered, total, images, warnings, keep, scratch.Containers, scratch.Volumes, scratch.Directory);
        }
        catch (Exception ex)
        {
            Record(opened.Directory, ex is OperationCanceledException ? "interrupted" : ex is IntegrityException ? "not restorable" : "failed", Stopwatch.GetElapsedTime(started), ex.Message);
            throw;
        }
        finally
        {
            await scratch.DisposeAsync();
        }
    }

    private sealed record Sources(string? Postgres, string? Neo4j);

    /// <summary>The live containers' images; when a container is gone, the manifest's record of it, then the configuration.</summary>
    private async Task<Sources> ImagesAsync(OpenedBackup opened, List<string> described, CancellationToken cancellationToken)
    {
        async Task<string?> Image(BackupComponent component, string what, string container, SourceRecord? recorded, string? configured, string key)
        {
            if (!opened.Present.Contains(component))
            {
                return null;
            }

            if (await _docker.InspectAsync(container, cancellationToken) is { } live)
            {
                described.Add($"{what}: image {live.Image} of the live container '{container}'");
                return live.Image;
            }

            var (image, source) = recorded?.Image is { Length: > 0 } fromManifest
                ? (fromManifest, "the backup's manifest")
                : configured is { Length: > 0 } ? (configured, $"the configuration ({key})") : (null, null);
            if (image is null)
            {
                throw new OperationFailedException($"{what} container '{container}' does not exist and the backup records no image: set {key} to the image to drill with.");
            }

            _logger.LogWarning("{What} container '{Container}' does not exist; drilling with image {Image} from {Source}", what, container, image, source);
            described.Add($"{what}: image {image} from {source} (no live container '{container}')");
            return image;
        }

        var manifest = opened.Manifest;
        return new Sources(
            await Image(BackupComponent.Postgres, "PostgreSQL", _options.Postgres.Container, manifest?.Postgres.Source, _options.Drill.PostgresImage, "Drill:PostgresImage"),
            await Image(BackupComponent.Neo4j, "Neo4j", _options.Neo4j.Container, manifest?.Neo4j.Source, _options.Drill.Neo4jImage, "Drill:Neo4jImage"));
    }

    /// <summary>Every artifact's size and SHA-256 against the manifest, side by side, before anything is started.</summary>
    private async Task VerifyAsync(OpenedBackup opened, CancellationToken cancellationToken)
    {
        await Task.WhenAll(opened.Present.Select(async component =>
        {
            var artifact = BackupVerifier.RequirePresent(opened, component);
            if (artifact is null)
            {
                return;
            }

            await using var file = _encryption.OpenHashing(opened, component);
            BackupVerifier.RequireChecksum(artifact, await file.FinishAsync(cancellationToken));
        }));
    }

    private async Task DrillPostgresAsync(DrillScratch scratch, OpenedBackup opened, string image, List<HealthCheck> checks, CancellationToken cancellationToken)
    {
        var recorded = opened.Manifest?.Postgres;
        var database = recorded?.Database ?? _options.Postgres.Database;
        var live = await _docker.InspectAsync(_options.Postgres.Container, cancellationToken);
        var user = live?.Environment.GetValueOrDefault("POSTGRES_USER") ?? _options.Postgres.User;
        var environment = new Dictionary<string, string>
        {
            ["POSTGRES_USER"] = user,
            ["POSTGRES_DB"] = database,
            ["POSTGRES_PASSWORD"] = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
        };
        var container = await scratch.RunAsync("postgres", image, environment, start: true, cancellationToken);
        await WaitForPostgresAsync(container.Name, user, database, cancellationToken);
        using (var step = _progress.Start("drill postgres restore"))
        {
            try
            {
                await _postgres.RestoreIntoAsync(container.Name, database, () => _encryption.Open(opened, BackupComponent.Postgres), cancellationToken);
            }
            catch (OperationFailedException ex)
            {
                throw new IntegrityException($"postgres.dump does not restore: {ex.Message}", ex);
            }

            step.Complete();
        }

        var rows = await _postgres.ExactRowCountsAsync(container.Name, database, cancellationToken);
        lock (checks)
        {
            if (recorded?.TableCount is { } tables)
            {
                checks.Add(new HealthCheck("postgres tables", rows.Count == tables, $"{rows.Count} tables restored, the manifest records {tables}"));
            }
            else
            {
                checks.Add(new HealthCheck("postgres tables", rows.Count > 0, $"{rows.Count} tables restored"));
            }

            if (recorded?.RowCounts is { } expected)
            {
                foreach (var (table, count) in expected)
                {
                    var found = rows.GetValueOrDefault(table, -1);
                    checks.Add(new HealthCheck("postgres rows " + table, found == count, found < 0
                        ? $"table {table} is missing from the restored database (the manifest records {count} rows)"
                        : $"table {table}: {found} rows restored, the manifest records {count}"));
                }

                foreach (var extra in rows.Keys.Where(t => !expected.ContainsKey(t)))
                {
                    checks.Add(new HealthCheck("postgres rows " + extra, false, $"table {extra} was restored but the manifest does not record it"));
                }
            }
            else if (recorded is not null)
            {
                checks.Add(new HealthCheck("postgres rows", true, "the manifest records no exact row counts (made by an older summit-dr): only the table count is compared"));
            }
        }

        if (_options.Drill.Sql is { Length: > 0 } sql)
        {
            var returned = await _postgres.SmokeQueryAsync(container.Name, database, sql, cancellationToken);
            lock (checks)
            {
                checks.Add(new HealthCheck("postgres smoke query", returned > 0, $"Drill:Sql returned {returned} row(s)"));
            }
        }
    }

    /// <summary>
    /// Until the image's entrypoint has handed over to the server for good: the official image first runs a
    /// temporary server for its initialisation, which answers too, then restarts it.
    /// </summary>
    private async Task WaitForPostgresAsync(string container, string user, string database, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow().AddSeconds(_options.Drill.ReadyTimeoutSeconds);
        while (true)
        {
            var answered = await _docker.RunAsync(_docker.Spec(DockerArgs.Exec(container, ["psql", "-U", user, "-d", database, "-X", "-A", "-t", "-c", "SELECT 1"])), cancellationToken);
            if (answered.Succeeded)
            {
                var pid1 = await _docker.RunAsync(_docker.Spec(DockerArgs.Exec(container, ["cat", "/proc/1/comm"])), cancellationToken);
                if (pid1.Succeeded && pid1.StandardOutput.Trim() is "postgres")
                {
                    return;
                }
            }

            if (_time.GetUtcNow() > deadline)
            {
                throw new OperationFailedException($"The scratch PostgreSQL '{container}' did not accept connections within {_options.Drill.ReadyTimeoutSeconds} s ({answered.ErrorSummary}). Read `docker logs {container}` (run the drill with --keep to inspect it).");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken);
        }
    }

    private async Task DrillNeo4jAsync(DrillScratch scratch, OpenedBackup opened, string image, List<HealthCheck> checks, CancellationToken cancellationToken)
    {
        var recorded = opened.Manifest?.Neo4j;
        var live = await _docker.InspectAsync(_options.Neo4j.Container, cancellationToken);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in new[] { "NEO4J_AUTH", "NEO4J_ACCEPT_LICENSE_AGREEMENT" })
        {
            if (live?.Environment.GetValueOrDefault(key) is { } value)
            {
                environment[key] = value;
            }
        }

        if (!environment.ContainsKey("NEO4J_AUTH"))
        {
            environment["NEO4J_AUTH"] = _options.Neo4j.Password is { Length: > 0 } password ? $"{_options.Neo4j.User}/{password}" : "none";
        }

        var container = await scratch.RunAsync("neo4j", image, environment, start: false, cancellationToken);
        var target = _neo4j.Describe(container) with { Database = recorded?.Database ?? _options.Neo4j.Database };
        using (var step = _progress.Start("drill neo4j load"))
        {
            await using var bench = await _neo4j.StartLoadWorkbenchAsync(target, ArtifactEncryption.ReadablePath(opened, BackupComponent.Neo4j), cancellationToken);
            try
            {
                await _neo4j.LoadAsync(bench, () => _encryption.Open(opened, BackupComponent.Neo4j), cancellationToken);
            }
            catch (OperationFailedException ex)
            {
                throw new IntegrityException($"neo4j.dump does not load: {ex.Message}", ex);
            }

            step.Complete();
        }

        var nodes = await _neo4j.StartAndWaitAsync(target, cancellationToken);
        var relationships = nodes is null ? null : await _neo4j.CountRelationshipsAsync(target, cancellationToken);
        lock (checks)
        {
            if (nodes is null)
            {
                checks.Add(new HealthCheck("neo4j nodes", true, "Neo4j answers, but its credentials are not known: the node count was not compared"));
            }
            else
            {
                checks.Add(recorded?.NodeCount is { } expected
                    ? new HealthCheck("neo4j nodes", nodes == expected, $"{nodes} nodes loaded, the manifest records {expected}")
                    : new HealthCheck("neo4j nodes", true, $"{nodes} nodes loaded (the manifest records no node count)"));
                if (recorded?.RelationshipCount is { } links)
                {
                    checks.Add(new HealthCheck("neo4j relationships", relationships == links, $"{relationships?.ToString(CultureInfo.InvariantCulture) ?? "an unknown number of"} relationships loaded, the manifest records {links}"));
                }
            }
        }

        if (_options.Drill.Cypher is { Length: > 0 } cypher && nodes is not null)
        {
            var returned = await _neo4j.SmokeQueryAsync(target, cypher, cancellationToken);
            lock (checks)
            {
                checks.Add(new HealthCheck("neo4j smoke query", returned > 0, $"Drill:Cypher returned {returned} row(s)"));
            }
        }
    }

    private async Task DrillUploadsAsync(DrillScratch scratch, OpenedBackup opened, List<HealthCheck> checks, CancellationToken cancellationToken)
    {
        var recorded = opened.Manifest?.Uploads;
        using var step = _progress.Start("drill uploads extract");
        var trailer = await ArtifactEncryption.ReadUploadsTrailerAsync(opened, cancellationToken);
        await using (var archive = _encryption.Open(opened, BackupComponent.Uploads))
        {
            await UploadsArchive.ExtractAsync(archive, scratch.Directory, cancellationToken, trailer);
        }

        var tree = Path.Combine(scratch.Directory, "uploads");
        Directory.CreateDirectory(tree);
        var (files, bytes) = UploadsTree.Measure(tree);
        var hash = await UploadsTreeHash.OfDirectoryAsync(tree, cancellationToken);
        step.Complete(bytes, $"{files} files");
        lock (checks)
        {
            checks.Add(recorded?.Files is { } count
                ? new HealthCheck("uploads files", files == count && bytes == recorded.Bytes, $"{files} files, {bytes} bytes extracted; the manifest records {count} files, {recorded.Bytes} bytes")
                : new HealthCheck("uploads files", true, $"{files} files, {bytes} bytes extracted"));
            if (recorded?.TreeSha256 is { } expected)
            {
                checks.Add(new HealthCheck("uploads tree hash", hash == expected, hash == expected
                    ? "every extracted file matches the manifest's hash of the tree"
                    : $"the extracted tree hashes to {hash}, the manifest records {expected}"));
            }
        }
    }

    private void Record(string directory, string result, TimeSpan total, string? failure)
    {
        try
        {
            new DrillRecord(1, _time.GetUtcNow(), _tool.Version, result, Math.Round(total.TotalSeconds, 3), RestoreResult.RecoveryTimeObjective.TotalSeconds, failure).Write(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Could not record the drill in {Directory}: {Error}", directory, ex.Message);
        }
    }

    private static async Task TimedAsync(List<RestoreStep> steps, string name, Func<Task> step)
    {
        var started = Stopwatch.GetTimestamp();
        await step();
        lock (steps)
        {
            steps.Add(new RestoreStep(name, Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 3)));
        }
    }
}
