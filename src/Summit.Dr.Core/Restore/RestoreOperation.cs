using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Summit.Dr.Backup;
using Summit.Dr.Catalog;
using Summit.Dr.Configuration;
using Summit.Dr.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Health;
using Summit.Dr.Locking;
using Summit.Dr.Manifest;
using Summit.Dr.Neo4j;
using Summit.Dr.Postgres;
using Summit.Dr.Progress;
using Summit.Dr.Uploads;

namespace Summit.Dr.Restore;

/// <summary>
/// Restores a backup so that it is impossible to make things worse: verify everything first (invariant 3),
/// confirm (invariant 9), take a safety backup (invariant 4), restore PostgreSQL, Neo4j and uploads in turn
/// (uploads by swap, invariant 5), and if any store fails, roll every touched store back from the safety
/// backup so the platform never ends half old, half new. Then run the runbook's checks.
/// </summary>
public sealed class RestoreOperation
{
    /// <summary>Rollback runs after the user's token may be cancelled; it has its own generous deadline.</summary>
    private static readonly TimeSpan RollbackDeadline = TimeSpan.FromMinutes(30);

    private static readonly BackupComponent[] Order = [BackupComponent.Postgres, BackupComponent.Neo4j, BackupComponent.Uploads];

    private readonly DockerCli _docker;
    private readonly PostgresService _postgres;
    private readonly Neo4jService _neo4j;
    private readonly UploadsSwap _uploads;
    private readonly BackupCatalog _catalog;
    private readonly BackupVerifier _verifier;
    private readonly BackupOperation _backup;
    private readonly OperationLock _lock;
    private readonly IRestoreConfirmation _confirmation;
    private readonly PlatformHealth _health;
    private readonly IProgressReporter _progress;
    private readonly SummitDrOptions _options;
    private readonly WorkingDirectory _workingDirectory;
    private readonly Discovery.PlatformDiscovery _discovery;
    private readonly ILogger<RestoreOperation> _logger;

    public RestoreOperation(
        DockerCli docker,
        PostgresService postgres,
        Neo4jService neo4j,
        UploadsSwap uploads,
        BackupCatalog catalog,
        BackupVerifier verifier,
        BackupOperation backup,
        OperationLock operationLock,
        IRestoreConfirmation confirmation,
        PlatformHealth health,
        IProgressReporter progress,
        IOptions<SummitDrOptions> options,
        WorkingDirectory workingDirectory,
        Discovery.PlatformDiscovery discovery,
        ILogger<RestoreOperation> logger)
    {
        _docker = docker;
        _postgres = postgres;
        _neo4j = neo4j;
        _uploads = uploads;
        _catalog = catalog;
        _verifier = verifier;
        _backup = backup;
        _lock = operationLock;
        _confirmation = confirmation;
        _health = health;
        _progress = progress;
        _options = options.Value;
        _workingDirectory = workingDirectory;
        _discovery = discovery;
        _logger = logger;
    }

    private string UploadsPath => _workingDirectory.Resolve(_options.Uploads.Path);

    public async Task<RestoreResult> RunAsync(RestoreRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var steps = new List<RestoreStep>();
        var directory = _catalog.Resolve(request.Backup);
        using var held = _lock.Acquire(_catalog.Root, "restore");

        var targets = await FindTargetsAsync(request.Components, cancellationToken);
        var verified = await TimedAsync(steps, "verify backup", () =>
            _verifier.VerifyAsync(directory, request.Components, request.ExplicitSelection, targets.Postgres, targets.Neo4j, cancellationToken));
        var warnings = verified.Warnings.ToList();

        await ConfirmAsync(request, verified, cancellationToken);

        VerifiedBackup? safety = null;
        if (request.NoSafetyBackup)
        {
            warnings.Add("No safety backup was taken (--no-safety-backup): this restore cannot be rolled back.");
            _logger.LogWarning("{Warning}", warnings[^1]);
        }
        else
        {
            var taken = await TimedAsync(steps, "safety backup", () => _backup.RunHoldingLockAsync(
                new BackupRequest(null, verified.Components, DryRun: false, BackupKind.Safety), cancellationToken));
            safety = SafetyOf(taken);
            _logger.LogInformation("Safety backup of the current state: {Directory}", taken.Directory);
        }

        var stores = await RestoreStoresAsync(verified, safety, targets, steps, cancellationToken);
        var health = await TimedAsync(steps, "post-restore checks", () => _health.CheckAsync(verified.Components, cancellationToken));
        foreach (var check in health.Checks.Where(c => !c.Passed))
        {
            _logger.LogError("Post-restore check failed: {Check}: {Detail}", check.Name, check.Detail);
        }

        return new RestoreResult(verified.Directory, safety?.Directory, steps, stores, health.Checks, Stopwatch.GetElapsedTime(started), warnings);
    }

    private async Task<Targets> FindTargetsAsync(IReadOnlySet<BackupComponent> components, CancellationToken cancellationToken)
    {
        ContainerInfo? postgres = null;
        Neo4jTarget? neo4j = null;
        if (components.Contains(BackupComponent.Postgres))
        {
            postgres = await _docker.RequireRunningAsync(_postgres.Container, "PostgreSQL", "Postgres:Container", "restore again", _discovery.HintFor("Postgres:Container"), cancellationToken);
        }

        if (components.Contains(BackupComponent.Neo4j))
        {
            neo4j = _neo4j.Describe(await _docker.RequireAsync(_options.Neo4j.Container, "Neo4j", "Neo4j:Container", _discovery.HintFor("Neo4j:Container"), cancellationToken));
        }

        return new Targets(postgres, neo4j);
    }

    private async Task ConfirmAsync(RestoreRequest request, VerifiedBackup verified, CancellationToken cancellationToken)
    {
        if (request.Yes)
        {
            return;
        }

        if (!_confirmation.CanAsk)
        {
            throw new UsageException($"Restore overwrites the live platform and there is no terminal to confirm on. Pass --yes to confirm restoring {verified.Name}.");
        }

        var overwrites = new List<string>();
        foreach (var component in Order.Where(verified.Components.Contains))
        {
            overwrites.Add(component switch
            {
                BackupComponent.Postgres => $"PostgreSQL database {_postgres.Database} in container {_postgres.Container}",
                BackupComponent.Neo4j => $"Neo4j database {_options.Neo4j.Database} in container {_options.Neo4j.Container}",
                _ => $"uploads directory {UploadsPath}",
            });
        }

        var word = verified.Components.Contains(BackupComponent.Postgres) ? _postgres.Database : verified.Name;
        var summary = new RestoreSummary(verified.Name, verified.Manifest?.CreatedAt, verified.TotalBytes, overwrites, !request.NoSafetyBackup, word);
        if (!await _confirmation.ConfirmAsync(summary, cancellationToken))
        {
            throw new UsageException("Restore not confirmed; nothing was changed.");
        }
    }

    private async Task<IReadOnlyList<StoreOutcome>> RestoreStoresAsync(
        VerifiedBackup verified, VerifiedBackup? safety, Targets targets, List<RestoreStep> steps, CancellationToken cancellationToken)
    {
        // A store is "touched" as soon as its restore starts: a half-restored database needs the rollback too.
        var touched = new List<BackupComponent>();
        // Uploads are extracted beside the live tree while the databases restore; only the rename waits for them.
        using var staging = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var staged = verified.Components.Contains(BackupComponent.Uploads)
            ? _uploads.StageAsync(verified.PathOf(BackupComponent.Uploads), UploadsPath, staging.Token)
            : null;
        try
        {
            foreach (var component in Order.Where(c => c != BackupComponent.Uploads && verified.Components.Contains(c)))
            {
                touched.Add(component);
                await TimedAsync(steps, $"restore {component.ToString().ToLowerInvariant()}", async () =>
                {
                    await RestoreStoreAsync(component, verified, targets, cancellationToken);
                    return true;
                });
            }

            if (staged is not null)
            {
                await TimedAsync(steps, "restore uploads", async () =>
                {
                    using var ready = await staged;
                    cancellationToken.ThrowIfCancellationRequested();
                    ready.SwapIn();
                    return true;
                });

                // Swapped in by rename: until that succeeded, the original was untouched.
                touched.Add(BackupComponent.Uploads);
            }
        }
        catch (Exception failure)
        {
            await DiscardAsync(staged, staging);
            var outcomes = await RollBackAsync(touched, safety, targets);
            var state = Describe(outcomes, safety);
            var reason = failure is OperationCanceledException ? "Restore interrupted." : $"Restore failed: {failure.Message.TrimEnd('.')}.";
            if (failure is OperationCanceledException)
            {
                _logger.LogError("{Reason} {State}", reason, state);
                throw;
            }

            throw new OperationFailedException($"{reason} {state}", failure);
        }

        return Order.Select(c => touched.Contains(c)
            ? new StoreOutcome(c, StoreState.Restored, $"restored from {verified.Name}")
            : new StoreOutcome(c, StoreState.Untouched, "not part of this restore")).ToList();
    }

    /// <summary>Stops an extraction still running and removes what it staged; the live uploads were never touched.</summary>
    private static async Task DiscardAsync(Task<StagedUploads>? staged, CancellationTokenSource staging)
    {
        if (staged is null)
        {
            return;
        }

        await staging.CancelAsync();
        try
        {
            (await staged).Dispose();
        }
        catch (Exception ex) when (ex is OperationCanceledException or SummitDrException or IOException)
        {
            // The extraction failed or was cancelled and has already removed its staging directory.
        }
    }

    private async Task RestoreStoreAsync(BackupComponent component, VerifiedBackup backup, Targets targets, CancellationToken cancellationToken)
    {
        switch (component)
        {
            case BackupComponent.Postgres:
                await _postgres.RestoreAsync(targets.Postgres!.Name, backup.PathOf(component), cancellationToken);
                if (backup.Manifest?.Postgres.TableCount is { } expectedTables)
                {
                    var facts = await _postgres.CollectFactsAsync(targets.Postgres.Name, cancellationToken);
                    if (facts.TableCount != expectedTables)
                    {
                        throw new OperationFailedException($"PostgreSQL has {facts.TableCount} tables after the restore, the backup recorded {expectedTables}.");
                    }
                }

                break;
            case BackupComponent.Neo4j:
                // The container may have been stopped and started since it was first inspected (a rollback).
                var target = await CurrentNeo4jAsync(targets.Neo4j!, cancellationToken);
                await _neo4j.WhileStoppedAsync(target, _catalog.Root, () => _neo4j.LoadAsync(target, backup.PathOf(component), cancellationToken));
                if (target.Container.Running && backup.Manifest?.Neo4j.NodeCount is { } expectedNodes)
                {
                    var nodes = await _neo4j.CountNodesAsync(target, cancellationToken);
                    if (nodes != expectedNodes)
                    {
                        throw new OperationFailedException($"Neo4j has {nodes?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "an unknown number of"} nodes after the restore, the backup recorded {expectedNodes}.");
                    }
                }

                break;
            default:
                await _uploads.ReplaceAsync(backup.PathOf(component), UploadsPath, cancellationToken);
                break;
        }
    }

    private async Task<Neo4jTarget> CurrentNeo4jAsync(Neo4jTarget known, CancellationToken cancellationToken) =>
        await _docker.InspectAsync(known.Container.Name, cancellationToken) is { } now ? known with { Container = now } : known;

    /// <summary>Puts every touched store back from the safety backup, newest first, on its own deadline.</summary>
    private async Task<IReadOnlyList<StoreOutcome>> RollBackAsync(IReadOnlyList<BackupComponent> touched, VerifiedBackup? safety, Targets targets)
    {
        var outcomes = new List<StoreOutcome>();
        using var deadline = new CancellationTokenSource(RollbackDeadline);
        foreach (var component in touched.Reverse())
        {
            if (safety is null || !safety.Components.Contains(component))
            {
                outcomes.Add(new StoreOutcome(component, StoreState.RollbackFailed, safety is null
                    ? "there is no safety backup to roll back from"
                    : $"the safety backup has no {BackupLayout.FileOf(component)}"));
                continue;
            }

            try
            {
                _logger.LogWarning("Rolling {Component} back from the safety backup {Safety}", component, safety.Name);
                await RestoreStoreAsync(component, safety, targets, deadline.Token);
                outcomes.Add(new StoreOutcome(component, StoreState.RolledBack, $"rolled back from {safety.Name}"));
            }
            catch (Exception ex)
            {
                outcomes.Add(new StoreOutcome(component, StoreState.RollbackFailed, ex.Message));
            }
        }

        return outcomes;
    }

    private static string Describe(IReadOnlyList<StoreOutcome> outcomes, VerifiedBackup? safety)
    {
        if (outcomes.Count == 0)
        {
            return "Nothing had been changed yet: the platform is as it was.";
        }

        if (outcomes.All(o => o.State == StoreState.RolledBack))
        {
            return $"Rolled back {string.Join(", ", outcomes.Select(o => Name(o.Component)))} from the safety backup {safety!.Name}: the platform is as it was before the restore.";
        }

        var parts = outcomes.Select(o => o.State == StoreState.RolledBack
            ? $"{Name(o.Component)} rolled back"
            : $"{Name(o.Component)} NOT rolled back ({o.Detail})");
        var retry = safety is null ? string.Empty : $" Restore the previous state with `summit-dr restore {safety.Directory} --yes`.";
        return $"The platform is in a mixed state: {string.Join("; ", parts)}.{retry}";
    }

    private static string Name(BackupComponent component) => component switch
    {
        BackupComponent.Postgres => "PostgreSQL",
        BackupComponent.Neo4j => "Neo4j",
        _ => "uploads",
    };

    private async Task<T> TimedAsync<T>(List<RestoreStep> steps, string name, Func<Task<T>> step)
    {
        var started = Stopwatch.GetTimestamp();
        using var progress = _progress.Start(name);
        try
        {
            var result = await step();
            progress.Complete();
            return result;
        }
        finally
        {
            steps.Add(new RestoreStep(name, Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 3)));
        }
    }

    private static VerifiedBackup SafetyOf(BackupResult taken) =>
        new(taken.Directory, taken.Manifest, taken.Manifest.Captured, taken.Manifest.Artifacts.Sum(a => a.Size), []);

    private sealed record Targets(ContainerInfo? Postgres, Neo4jTarget? Neo4j);
}
