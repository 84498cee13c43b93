using System.Diagnostics;
using System.Runtime.ExceptionServices;
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
using Summit.Dr.Operations;
using Summit.Dr.Postgres;
using Summit.Dr.Progress;
using Summit.Dr.Undo;
using Summit.Dr.Uploads;

namespace Summit.Dr.Restore;

/// <summary>
/// Restores a backup so that it is impossible to make things worse. First, side by side and touching nothing
/// live: every artifact is verified (invariant 3) while each store is prepared beside the live one (the
/// PostgreSQL dump restored into a database of its own, the uploads extracted beside the live tree, a
/// container of Neo4j's image started). Then, once confirmed (invariant 9), the three stores are swapped in
/// together with one stop and one start of Neo4j: the state they replace is kept aside, not copied (the
/// database renamed, the Neo4j store moved within its volume, the tree renamed; invariant 4), so a store that
/// fails puts every replaced store back, and `summit-dr undo` can put it all back later. Then the runbook's
/// checks.
/// </summary>
public sealed class RestoreOperation
{
    /// <summary>Putting stores back runs after the user's token may be cancelled; it has its own generous deadline.</summary>
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
    private readonly KeptStores _kept;
    private readonly IProgressReporter _progress;
    private readonly SummitDrOptions _options;
    private readonly WorkingDirectory _workingDirectory;
    private readonly Discovery.PlatformDiscovery _discovery;
    private readonly TimeProvider _time;
    private readonly Encryption.ArtifactEncryption _encryption;
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
        KeptStores kept,
        IProgressReporter progress,
        IOptions<SummitDrOptions> options,
        WorkingDirectory workingDirectory,
        Discovery.PlatformDiscovery discovery,
        TimeProvider time,
        Encryption.ArtifactEncryption encryption,
        ILogger<RestoreOperation> logger)
    {
        _encryption = encryption;
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
        _kept = kept;
        _progress = progress;
        _options = options.Value;
        _workingDirectory = workingDirectory;
        _discovery = discovery;
        _time = time;
        _logger = logger;
    }

    private string UploadsPath => _workingDirectory.Resolve(_options.Uploads.Path);

    public async Task<RestoreResult> RunAsync(RestoreRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var steps = new List<RestoreStep>();
        var directory = _catalog.Resolve(request.Backup);
        var root = _catalog.Root;
        using var held = _lock.Acquire(root, "restore");

        var targets = await FindTargetsAsync(request.Components, cancellationToken);
        var opened = await _verifier.OpenAsync(directory, cancellationToken);
        if (!request.Yes && !_confirmation.CanAsk)
        {
            // Known before anything is prepared: nobody can confirm, so nothing is worth starting.
            throw new UsageException($"Restore overwrites the live platform and there is no terminal to confirm on. Pass --yes to confirm restoring {opened.Name}.");
        }

        var (components, warnings) = Select(opened, request);
        // An encrypted backup opens with the configured keys, or the restore stops here (exit 4, nothing touched).
        _encryption.RequireKeys(opened);
        RequireRoomForUploads(opened, components);
        var plan = Plan(root, directory, components, targets);
        await using var prepared = new Prepared(this, plan);

        var verified = await TimedAsync(steps, "verify backup", () => PrepareAsync(prepared, opened, components, targets, cancellationToken));
        await ConfirmAsync(request, verified, cancellationToken);

        string? safety = null;
        if (request.SafetyBackup)
        {
            // The backup dumps in a workbench of the same name: the restore's goes for the time of it.
            var reopen = prepared.Bench is not null;
            await prepared.ReleaseBenchAsync();
            var taken = await TimedAsync(steps, "safety backup", () => _backup.RunHoldingLockAsync(
                new BackupRequest(null, components, DryRun: false, BackupKind.Safety), cancellationToken));
            if (reopen)
            {
                prepared.Bench = await _neo4j.StartLoadWorkbenchAsync(targets.Neo4j!, Encryption.ArtifactEncryption.ReadablePath(opened, BackupComponent.Neo4j), cancellationToken);
            }

            safety = taken.Directory;
            _logger.LogInformation("Safety backup of the current state: {Directory}", taken.Directory);
        }

        var outcome = await SwapInAsync(prepared, verified, targets, root, steps, cancellationToken);
        var previous = KeptStateStore.Read(root).Where(s => s.Id != outcome.Id).ToList();
        KeptStateStore.Save(root, outcome with { Complete = true });
        // The state kept by the restore before this one goes only now that this one has succeeded.
        var discarding = DiscardAsync(previous, prepared, cancellationToken);
        var health = await TimedAsync(steps, "post-restore checks", () => _health.CheckAsync(components, cancellationToken, prepared.Neo4jAnswer));
        await discarding;
        foreach (var check in health.Checks.Where(c => !c.Passed))
        {
            _logger.LogError("Post-restore check failed: {Check}: {Detail}", check.Name, check.Detail);
        }

        var stores = Order.Select(c => components.Contains(c)
            ? new StoreOutcome(c, StoreState.Restored, $"restored from {verified.Name}")
            : new StoreOutcome(c, StoreState.Untouched, "not part of this restore")).ToList();
        return new RestoreResult(verified.Directory, safety, steps, stores, health.Checks, Stopwatch.GetElapsedTime(started), [.. warnings, .. verified.Warnings], outcome with { Complete = true });
    }

    private async Task<Targets> FindTargetsAsync(IReadOnlySet<BackupComponent> components, CancellationToken cancellationToken)
    {
        var postgres = components.Contains(BackupComponent.Postgres)
            ? _docker.RequireRunningAsync(_postgres.Container, "PostgreSQL", "Postgres:Container", "restore again", _discovery.HintFor("Postgres:Container"), cancellationToken, _discovery.Inspected("Postgres:Container", _postgres.Container))
            : Task.FromResult<ContainerInfo>(null!);
        var neo4j = components.Contains(BackupComponent.Neo4j)
            ? _docker.RequireAsync(_options.Neo4j.Container, "Neo4j", "Neo4j:Container", _discovery.HintFor("Neo4j:Container"), cancellationToken, _discovery.Inspected("Neo4j:Container", _options.Neo4j.Container))
            : Task.FromResult<ContainerInfo>(null!);
        await Task.WhenAll(postgres, neo4j);
        return new Targets(await postgres, await neo4j is { } n ? _neo4j.Describe(n) : null);
    }

    /// <summary>The stores to restore: those asked for that the backup holds; one asked for by name that it lacks is refused.</summary>
    private (IReadOnlySet<BackupComponent> Components, List<string> Warnings) Select(OpenedBackup opened, RestoreRequest request)
    {
        var missing = request.Components.Where(c => !opened.Present.Contains(c)).ToList();
        if (request.ExplicitSelection && missing.Count > 0)
        {
            throw new IntegrityException($"{opened.Name} has no {string.Join(", ", missing.Select(BackupLayout.FileOf))}; it cannot restore {string.Join(", ", missing).ToLowerInvariant()}.");
        }

        var warnings = opened.Warnings.ToList();
        foreach (var component in missing)
        {
            warnings.Add($"{opened.Name} has no {BackupLayout.FileOf(component)}; the current {component.ToString().ToLowerInvariant()} data is left as it is.");
            _logger.LogWarning("{Warning}", warnings[^1]);
        }

        return (Order.Where(c => request.Components.Contains(c) && opened.Present.Contains(c)).ToHashSet(), warnings);
    }

    /// <summary>The names everything will be kept under; unique, so the state kept by the last restore is not touched until this one succeeds.</summary>
    private KeptState Plan(string root, string directory, IReadOnlySet<BackupComponent> components, Targets targets)
    {
        var taken = KeptStateStore.Read(root).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var id = BackupLayout.NameFor(_time.GetLocalNow());
        for (var n = 2; taken.Contains(id); n++)
        {
            id = $"{BackupLayout.NameFor(_time.GetLocalNow())}_{n}";
        }

        var database = _postgres.Database;
        return new KeptState(
            id,
            directory,
            _time.GetUtcNow(),
            ProcessIdentity.Current(),
            Complete: false,
            components.Contains(BackupComponent.Postgres)
                ? new KeptPostgres(targets.Postgres!.Name, database, KeptStores.DatabaseName(database, "kept", id), KeptStores.DatabaseName(database, "in", id), Existed: true, Swapped: false)
                : null,
            components.Contains(BackupComponent.Neo4j) ? new KeptNeo4j(targets.Neo4j!.Container.Name, targets.Neo4j.Database, KeptStores.Neo4jKept(id), Moved: false) : null,
            components.Contains(BackupComponent.Uploads) ? new KeptUploads(UploadsPath, KeptStores.UploadsKept(UploadsPath, id), Existed: true, Swapped: false) : null);
    }

    /// <summary>
    /// Verifies every artifact while each store is prepared beside the live one. The restore into PostgreSQL's
    /// own database begins at once and runs on past this step: it is not a check, and touches nothing live.
    /// </summary>
    private async Task<VerifiedBackup> PrepareAsync(Prepared prepared, OpenedBackup opened, IReadOnlySet<BackupComponent> components, Targets targets, CancellationToken cancellationToken)
    {
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var checks = new List<Task>();
        if (components.Contains(BackupComponent.Postgres))
        {
            prepared.StartIncoming(token => RestoreIncomingAsync(targets.Postgres!, prepared.State.Postgres!, opened, token), cancellationToken);
            checks.Add(Step(failFast, token => VerifyPostgresAsync(opened, targets.Postgres!, token)));
        }

        if (components.Contains(BackupComponent.Uploads))
        {
            checks.Add(Step(failFast, async token => prepared.Staged = await StageUploadsAsync(opened, token)));
        }

        if (components.Contains(BackupComponent.Neo4j))
        {
            checks.Add(Step(failFast, async token =>
            {
                prepared.Bench = await _neo4j.StartLoadWorkbenchAsync(targets.Neo4j!, Encryption.ArtifactEncryption.ReadablePath(opened, BackupComponent.Neo4j), token);
                await VerifyNeo4jAsync(prepared.Bench, opened, token);
            }));
        }

        await StoreTasks.WhenAllAsync(checks, cancellationToken);
        var total = components.Sum(c => new FileInfo(Path.Combine(opened.Directory, BackupLayout.FileOf(c))).Length);
        return new VerifiedBackup(opened.Directory, opened.Manifest, components, total, []);
    }

    /// <summary>
    /// A dump whose SHA-256 matches its manifest is the very dump `pg_restore --list` read back when the backup
    /// was made: the checksum, computed here, proves it. A dump without a manifest is read by pg_restore, its
    /// table of contents and every data block (the restore into a database of its own then reads it again).
    /// </summary>
    private async Task VerifyPostgresAsync(OpenedBackup opened, ContainerInfo postgres, CancellationToken cancellationToken)
    {
        var path = Path.Combine(opened.Directory, BackupLayout.PostgresFile);
        var artifact = BackupVerifier.RequirePresent(opened, BackupComponent.Postgres);
        using var step = _progress.Start($"check {BackupLayout.PostgresFile}", expectedBytes: new FileInfo(path).Length);
        if (artifact is not null)
        {
            await using var dump = _encryption.OpenHashing(opened, BackupComponent.Postgres);
            BackupVerifier.RequireChecksum(artifact, await dump.FinishAsync(cancellationToken));
            step.Complete(detail: $"SHA-256 matches the dump pg_restore read back when it was made ({opened.Manifest!.Postgres.ArchiveEntries} entries)");
            return;
        }

        var entries = await _verifier.ReadPostgresDumpAsync(opened, postgres.Name, fullRead: true, cancellationToken);

        step.Complete(detail: $"pg_restore read all {entries} entries");
    }

    /// <summary>The restore into the database of its own, then the manifest's table count checked there, before anything is swapped.</summary>
    private async Task RestoreIncomingAsync(ContainerInfo postgres, KeptPostgres kept, OpenedBackup opened, CancellationToken cancellationToken)
    {
        using var step = _progress.Start("postgres into " + kept.Incoming);
        await _postgres.RestoreIntoAsync(postgres.Name, kept.Incoming, () => _encryption.Open(opened, BackupComponent.Postgres), cancellationToken);
        if (opened.Manifest?.Postgres.TableCount is { } expected)
        {
            var facts = await _postgres.CollectFactsAsync(postgres.Name, cancellationToken, kept.Incoming);
            if (facts.TableCount != expected)
            {
                throw new OperationFailedException($"PostgreSQL has {facts.TableCount} tables after the restore, the backup recorded {expected}.");
            }
        }

        step.Complete();
    }

    /// <summary>
    /// The uploads are extracted beside the live tree, on its filesystem, before the live tree is renamed
    /// away: both must fit at once. Refused before anything is prepared (exit 3) when the manifest's bytes
    /// (plus a block per file) exceed the free space there.
    /// </summary>
    private void RequireRoomForUploads(OpenedBackup opened, IReadOnlySet<BackupComponent> components)
    {
        if (!components.Contains(BackupComponent.Uploads) || opened.Manifest?.Uploads is not { Bytes: { } bytes, Files: { } files })
        {
            return;
        }

        var parent = Path.GetDirectoryName(Path.GetFullPath(UploadsPath).TrimEnd('/'))!;
        if (!Directory.Exists(parent))
        {
            return;
        }

        var needed = bytes + (files * 4096L);
        var free = new DriveInfo(parent).AvailableFreeSpace;
        if (free < needed)
        {
            throw new PreconditionException(
                $"Not enough free disk to restore the uploads: {LoggingProgressReporter.FormatBytes(free)} free at {parent}, and the backup's uploads need " +
                $"{LoggingProgressReporter.FormatBytes(needed)} there beside the live tree until the swap. Nothing was touched. Free space there, or restore with --only postgres,neo4j.");
        }
    }

    /// <summary>Extraction beside the live tree is the check: every entry before it is written, the checksum of the whole on the way.</summary>
    private async Task<StagedUploads> StageUploadsAsync(OpenedBackup opened, CancellationToken cancellationToken)
    {
        var path = Path.Combine(opened.Directory, BackupLayout.UploadsFile);
        var artifact = BackupVerifier.RequirePresent(opened, BackupComponent.Uploads);
        var trailer = await Encryption.ArtifactEncryption.ReadUploadsTrailerAsync(opened, cancellationToken);
        await using var archive = _encryption.OpenHashing(opened, BackupComponent.Uploads);
        using var step = _progress.Start($"check {BackupLayout.UploadsFile}", () => archive.BytesRead, new FileInfo(path).Length);
        StagedUploads staged;
        try
        {
            staged = await _uploads.StageAsync(archive, UploadsPath, cancellationToken, trailer);
        }
        catch (IntegrityException) when (artifact is not null)
        {
            // A changed byte usually breaks the gzip stream before the end: the checksum names the cause better.
            BackupVerifier.RequireChecksum(artifact, await archive.FinishAsync(cancellationToken));
            throw;
        }
        catch (Exception ex) when (DiskFull.Is(ex))
        {
            throw new DiskFullException(
                $"The disk is full: no space left on the device that holds {Path.GetDirectoryName(Path.GetFullPath(UploadsPath).TrimEnd('/'))} while the uploads were extracted beside the live tree. " +
                "Nothing live was touched and the partial extraction was removed. Free space there and restore again.", ex);
        }

        try
        {
            BackupVerifier.RequireChecksum(artifact, await archive.FinishAsync(cancellationToken));
        }
        catch
        {
            staged.Dispose();
            throw;
        }

        step.Complete(new FileInfo(path).Length, $"{staged.Stats.Files} files, every entry safe, extracted beside the live tree");
        return staged;
    }

    /// <summary>
    /// The checksum, read here. neo4j-admin reads the dump too (`load --info`, in the container that will load
    /// it) unless the manifest vouches for it: a dump whose SHA-256 matches is the very dump neo4j-admin read
    /// back when the backup was made, and with the same Neo4j version in place, reading it again proves
    /// nothing more. A backup without a manifest, or from another version, is read.
    /// </summary>
    private async Task VerifyNeo4jAsync(Neo4jWorkbench bench, OpenedBackup opened, CancellationToken cancellationToken)
    {
        var path = Path.Combine(opened.Directory, BackupLayout.Neo4jFile);
        var artifact = BackupVerifier.RequirePresent(opened, BackupComponent.Neo4j);
        using var step = _progress.Start($"check {BackupLayout.Neo4jFile}", expectedBytes: new FileInfo(path).Length);
        var vouched = artifact is not null && opened.Manifest!.Neo4j.Source?.ServerVersion is { } made && made == bench.Target.Version;
        var info = vouched ? Task.FromResult<string?>(null) : _neo4j.ReadDumpInfoAsync(bench, () => _encryption.Open(opened, BackupComponent.Neo4j), BackupLayout.Neo4jFile, cancellationToken);
        if (artifact is not null)
        {
            // For an encrypted dump the read to the end also proves the key and the integrity check.
            await using var dump = _encryption.OpenHashing(opened, BackupComponent.Neo4j);
            BackupVerifier.RequireChecksum(artifact, await dump.FinishAsync(cancellationToken));
        }

        var report = await info;
        step.Complete(detail: vouched
            ? $"SHA-256 matches the dump neo4j-admin {bench.Target.Version} read back when it was made"
            : report is null ? "non-empty (4.4 has no load --info)" : "neo4j-admin load --info read it");
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
        var created = verified.Manifest?.CreatedAt is { } at ? $", taken {at.ToLocalTime():yyyy-MM-dd HH:mm:ss}" : string.Empty;
        var summary = new RestoreSummary(
            "This restore overwrites",
            $"backup {verified.Name}{created}, {LoggingProgressReporter.FormatBytes(verified.TotalBytes)}",
            overwrites,
            request.SafetyBackup
                ? "What it replaces is kept aside (`summit-dr undo` puts it back), and a safety backup of it is written first."
                : "What it replaces is kept aside, not copied: `summit-dr undo` puts it back.",
            word);
        if (!await _confirmation.ConfirmAsync(summary, cancellationToken))
        {
            throw new UsageException("Restore not confirmed; nothing was changed.");
        }
    }

    /// <summary>
    /// Swaps the three stores in together: the uploads by rename at once, PostgreSQL by renaming databases as
    /// soon as its restored copy is ready, Neo4j then with one stop and one start (its store moved aside, the
    /// dump loaded alone, started, its node count checked). Whichever store fails, every replaced one is put back.
    /// </summary>
    private async Task<KeptState> SwapInAsync(Prepared prepared, VerifiedBackup verified, Targets targets, string root, List<RestoreStep> steps, CancellationToken cancellationToken)
    {
        var state = new SwapProgress(root, prepared.State);
        state.Save();
        using var phase = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        IReadOnlyList<StoreOutcome> putBackEarly = [];
        var uploads = state.Current.Uploads is { } up
            ? TimedAsync(steps, "restore uploads", () =>
            {
                var existed = prepared.Staged!.SwapIn(up.Kept);
                state.Update(s => s with { Uploads = up with { Existed = existed, Swapped = true } });
                return Task.FromResult(true);
            })
            : Task.FromResult(true);
        var postgres = state.Current.Postgres is { } pg
            ? TimedAsync(steps, "restore postgres", async () =>
            {
                await prepared.Incoming!;
                var swapped = await _kept.SwapPostgresInAsync(pg, phase.Token);
                prepared.IncomingSwapped = true;
                state.Update(s => s with { Postgres = swapped });
                return true;
            })
            : Task.FromResult(true);
        // While Neo4j is down its load comes first: the PostgreSQL copy is restored before the stop, while
        // Neo4j still serves, so nothing of the tool's competes with the load for the cores.
        var neo4j = state.Current.Neo4j is { } graph
            ? AfterAsync(prepared.Incoming, () => TimedAsync(steps, "restore neo4j", async () =>
            {
                var bench = prepared.Bench!;
                var downtime = await _neo4j.WhileStoppedAsync(targets.Neo4j!, root, async () =>
                {
                    try
                    {
                        await _kept.MoveNeo4jAsideAsync(bench, graph, phase.Token);
                        state.Update(s => s with { Neo4j = graph with { Moved = true } });
                        await _neo4j.LoadAsync(bench, () => _encryption.Open(verified, BackupComponent.Neo4j), phase.Token);
                    }
                    catch
                    {
                        // A load still running in the container would hold the store lock: the container goes
                        // first. The old store is put back before Neo4j starts again, never an empty one.
                        await bench.DisposeAsync();
                        prepared.Bench = null;
                        if (state.Current.Neo4j is { Moved: true })
                        {
                            putBackEarly = await PutBackAsync(state, targets, root, neo4jStopped: true, only: BackupComponent.Neo4j);
                        }

                        throw;
                    }
                }, bench);
                if (downtime?.NodeCount is { } nodes)
                {
                    prepared.Neo4jAnswer = (targets.Neo4j!.Container.Name, nodes);
                }

                CheckNodes(downtime, verified);
                return true;
            }))
            : Task.FromResult(true);

        try
        {
            await StoreTasks.WhenAllAsync([uploads, postgres, neo4j], cancellationToken, phase);
        }
        catch (Exception failure)
        {
            await Task.WhenAll(Quietly(uploads), Quietly(postgres), Quietly(neo4j), Quietly(prepared.Incoming));
            var outcomes = (await PutBackAsync(state, targets, root, neo4jStopped: false)).Concat(putBackEarly).OrderBy(o => Array.IndexOf(Order, o.Component)).ToList();
            var described = Describe(outcomes, state.Current);
            var reason = failure is OperationCanceledException ? "Restore interrupted." : $"Restore failed: {failure.Message.TrimEnd('.')}.";
            if (failure is OperationCanceledException)
            {
                _logger.LogError("{Reason} {State}", reason, described);
                ExceptionDispatchInfo.Capture(failure).Throw();
            }

            throw new OperationFailedException($"{reason} {described}", failure);
        }

        return state.Current;
    }

    /// <summary>Runs <paramref name="next"/> once <paramref name="first"/> has finished; not at all when it failed.</summary>
    private static async Task<T> AfterAsync<T>(Task? first, Func<Task<T>> next)
    {
        if (first is not null)
        {
            await first;
        }

        return await next();
    }

    /// <summary>The node count Neo4j answered with when it came back must be the manifest's (when both are known).</summary>
    private static void CheckNodes(Neo4jDowntime? downtime, VerifiedBackup verified)
    {
        if (downtime?.Duration is not null && verified.Manifest?.Neo4j.NodeCount is { } expected && downtime.NodeCount != expected)
        {
            throw new OperationFailedException($"Neo4j has {downtime.NodeCount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "an unknown number of"} nodes after the restore, the backup recorded {expected}.");
        }
    }

    /// <summary>
    /// Puts every replaced store back from what was kept, on its own deadline, and forgets this restore's kept
    /// state once nothing of it is left. Neo4j is stopped for it unless it already is.
    /// </summary>
    internal async Task<IReadOnlyList<StoreOutcome>> PutBackAsync(SwapProgress state, Targets targets, string root, bool neo4jStopped, BackupComponent? only = null)
    {
        using var deadline = new CancellationTokenSource(RollbackDeadline);
        var outcomes = new List<StoreOutcome>();
        var current = state.Current;
        if (current.Neo4j is { } graph && only is null or BackupComponent.Neo4j)
        {
            outcomes.Add(await PutBackStoreAsync(BackupComponent.Neo4j, graph.Moved, async () =>
            {
                var target = await CurrentNeo4jAsync(targets.Neo4j!, deadline.Token);
                async Task PutBack()
                {
                    await using var bench = await _neo4j.StartWorkbenchAsync(target, deadline.Token);
                    await _kept.PutNeo4jBackAsync(bench, graph, current.Id, deadline.Token);
                }

                if (neo4jStopped || !target.Container.Running)
                {
                    await PutBack();
                }
                else
                {
                    await _neo4j.WhileStoppedAsync(target, root, PutBack);
                }
            }, () => state.Update(s => s with { Neo4j = null })));
        }

        if (current.Postgres is { } pg && only is null or BackupComponent.Postgres)
        {
            outcomes.Add(await PutBackStoreAsync(
                BackupComponent.Postgres, pg.Swapped, () => _kept.PutPostgresBackAsync(pg, current.Id, deadline.Token), () => state.Update(s => s with { Postgres = null })));
        }

        if (current.Uploads is { } up && only is null or BackupComponent.Uploads)
        {
            outcomes.Add(await PutBackStoreAsync(BackupComponent.Uploads, up.Swapped, () =>
            {
                _kept.PutUploadsBack(up, current.Id);
                return Task.CompletedTask;
            }, () => state.Update(s => s with { Uploads = null })));
        }

        if (state.Current is { Postgres: null, Neo4j: null, Uploads: null })
        {
            KeptStateStore.Remove(root, current.Id);
        }

        return outcomes.Where(o => o.State != StoreState.Untouched).ToList();
    }

    private async Task<StoreOutcome> PutBackStoreAsync(BackupComponent component, bool replaced, Func<Task> putBack, Action forget)
    {
        if (!replaced)
        {
            forget();
            return new StoreOutcome(component, StoreState.Untouched, "not replaced yet");
        }

        try
        {
            _logger.LogWarning("Putting {Component} back as it was before the restore", Name(component));
            await putBack();
            forget();
            return new StoreOutcome(component, StoreState.RolledBack, "put back from the state kept aside");
        }
        catch (Exception ex)
        {
            return new StoreOutcome(component, StoreState.RollbackFailed, ex.Message);
        }
    }

    /// <summary>
    /// Frees what earlier restores kept, store by store side by side, and then the Neo4j container this run no
    /// longer needs; a failure leaves the kept state for `undo --discard` and says so.
    /// </summary>
    private async Task DiscardAsync(IReadOnlyList<KeptState> previous, Prepared prepared, CancellationToken cancellationToken)
    {
        async Task Neo4j(KeptState? state)
        {
            if (state?.Neo4j is { } graph && prepared.Bench is { } bench && graph.Container == bench.Target.Container.Name)
            {
                await _kept.DiscardNeo4jAsync(bench, graph, cancellationToken);
            }
        }

        try
        {
            foreach (var state in previous)
            {
                try
                {
                    await Task.WhenAll(
                        state.Postgres is { } pg ? _kept.DiscardPostgresAsync(pg, cancellationToken) : Task.CompletedTask,
                        Neo4j(state),
                        Task.Run(() =>
                        {
                            if (state.Uploads is { } up)
                            {
                                _kept.DiscardUploads(up);
                            }
                        }, cancellationToken));
                    KeptStateStore.Remove(_catalog.Root, state.Id);
                }
                catch (SummitDrException ex)
                {
                    _logger.LogWarning("The state kept by the restore of {Id} is still there: {Error}. Free it with `summit-dr undo --discard`", state.Id, ex.Message);
                }
            }
        }
        finally
        {
            await prepared.ReleaseBenchAsync();
        }
    }

    private static string Describe(List<StoreOutcome> outcomes, KeptState state)
    {
        if (outcomes.Count == 0)
        {
            return "Nothing had been replaced yet: the platform is as it was.";
        }

        if (outcomes.All(o => o.State == StoreState.RolledBack))
        {
            return $"Put {string.Join(", ", outcomes.Select(o => Name(o.Component)))} back from the state kept aside: the platform is as it was before the restore.";
        }

        var parts = outcomes.Select(o => o.State == StoreState.RolledBack
            ? $"{Name(o.Component)} put back"
            : $"{Name(o.Component)} NOT put back ({o.Detail})");
        return $"The platform is in a mixed state: {string.Join("; ", parts)}. What was replaced is still kept aside (restore {state.Id}): " +
            "run `summit-dr undo` to put the rest back.";
    }

    internal static string Name(BackupComponent component) => component switch
    {
        BackupComponent.Postgres => "PostgreSQL",
        BackupComponent.Neo4j => "Neo4j",
        _ => "uploads",
    };

    private async Task<Neo4jTarget> CurrentNeo4jAsync(Neo4jTarget known, CancellationToken cancellationToken) =>
        await _docker.InspectAsync(known.Container.Name, cancellationToken) is { } now ? known with { Container = now } : known;

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
            lock (steps)
            {
                steps.Add(new RestoreStep(name, Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 3)));
            }
        }
    }

    private static async Task Step(CancellationTokenSource failFast, Func<CancellationToken, Task> body)
    {
        try
        {
            await body(failFast.Token);
        }
        catch
        {
            await failFast.CancelAsync();
            throw;
        }
    }

    private static async Task Quietly(Task? task)
    {
        if (task is null)
        {
            return;
        }

        try
        {
            await task;
        }
        catch (Exception)
        {
            // Its failure is reported by whoever started the rollback; here it only has to be over.
        }
    }

    internal sealed record Targets(ContainerInfo? Postgres, Neo4jTarget? Neo4j);

    /// <summary>What a run prepared beside the live platform; disposing removes whatever was not swapped in.</summary>
    private sealed class Prepared(RestoreOperation owner, KeptState state) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _abort = new();

        public KeptState State { get; } = state;

        public Task? Incoming { get; private set; }

        /// <summary>Runs <paramref name="next"/> once <paramref name="first"/> has finished; not at all when it failed.</summary>
    private static async Task<T> AfterAsync<T>(Task? first, Func<Task<T>> next)
    {
        if (first is not null)
        {
            await first;
        }

        return await next();
    }

    /// <summary>The node count Neo4j answered with when it came back.</summary>
        public (string Container, long Nodes)? Neo4jAnswer { get; set; }

        /// <summary>The restored database took the live name: there is no copy left to drop.</summary>
        public bool IncomingSwapped { get; set; }


        public StagedUploads? Staged { get; set; }

        public Neo4jWorkbench? Bench { get; set; }

        public void StartIncoming(Func<CancellationToken, Task> restore, CancellationToken cancellationToken)
        {
            var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abort.Token);
            Incoming = Task.Run(async () =>
            {
                using (linked)
                {
                    await restore(linked.Token);
                }
            }, CancellationToken.None);
        }

        public async Task ReleaseBenchAsync()
        {
            if (Bench is { } bench)
            {
                Bench = null;
                await bench.DisposeAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _abort.CancelAsync();
            await Quietly(Incoming);
            Staged?.Dispose();
            if (Bench is not null)
            {
                await Bench.DisposeAsync();
            }

            // A restored copy that was never swapped in goes.
            if (State.Postgres is { } pg && !IncomingSwapped)
            {
                using var cleanup = new CancellationTokenSource(TimeSpan.FromMinutes(1));
                try
                {
                    await owner._postgres.DropAsync(pg.Container, pg.Incoming, cleanup.Token);
                }
                catch (Exception ex) when (ex is SummitDrException or OperationCanceledException)
                {
                    owner._logger.LogWarning("Could not drop the database {Database}: {Error}. Drop it by hand", pg.Incoming, ex.Message);
                }
            }

            _abort.Dispose();
        }
    }
}
