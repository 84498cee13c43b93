using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Summit.Dr.Errors;
using Summit.Dr.Engine.Locking;
using Summit.Dr.Model;
using Summit.Dr.Operations.Confirmation;
using Summit.Dr.Operations.Kept;

namespace Summit.Dr.Operations.Undo;

/// <summary>
/// `summit-dr undo`: puts back the state the last restore replaced (kept aside, not copied), with one stop
/// and one start of Neo4j, and removes what the restore had put in its place. `--discard` frees the kept
/// state instead. Both are confirmed like a restore.
/// </summary>
public sealed class UndoOperation
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(30);

    private readonly KeptNeo4jStore _neo4j;
    private readonly KeptStores _kept;
    private readonly KeptStateStore _states;
    private readonly OperationLock _lock;
    private readonly IRestoreConfirmation _confirmation;
    private readonly KeptStateCheck _check;
    private readonly ILogger<UndoOperation> _logger;

    public UndoOperation(
        KeptNeo4jStore neo4j, KeptStores kept, KeptStateStore states, OperationLock operationLock, IRestoreConfirmation confirmation,
        KeptStateCheck check, ILogger<UndoOperation> logger)
    {
        _check = check;
        _neo4j = neo4j;
        _kept = kept;
        _states = states;
        _lock = operationLock;
        _confirmation = confirmation;
        _logger = logger;
    }

    public async Task<UndoResult> RunAsync(bool discard, bool yes, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var held = _lock.Acquire(_states.Root, discard ? "undo --discard" : "undo");
        // The last restore's state; one that did not complete (a rollback that failed half way) is put back as far as it got.
        var state = (discard ? _states.LastComplete() : _states.Read() is { Count: > 0 } all ? all[^1] : null)
            ?? throw new PreconditionException($"Nothing to {(discard ? "discard" : "undo")}: no restore has kept a state aside in " +
                $"{_states.Root} (or it was put back or discarded).");
        await _check.RequireOwnAsync(state, _states.FilePath, cancellationToken);
        await using var platform = await _lock.HoldPlatformAsync(
            null, discard ? "undo --discard" : "undo", _states.Root, cancellationToken);
        await ConfirmAsync(state, discard, yes, cancellationToken);

        // Once confirmed, it runs to its end: a half-undone platform is worse than either state.
        using var deadline = new CancellationTokenSource(Deadline);
        var token = deadline.Token;
        var failures = new List<string>();
        // Each store done is forgotten at once, so running undo again after a failure finishes only the rest.
        var progress = new SwapProgress(_states, state);
        if (discard)
        {
            await DiscardAsync(state, progress, failures, token);
        }
        else
        {
            await PutBackAsync(state, progress, failures, token);
        }

        if (failures.Count > 0)
        {
            throw new OperationFailedException(
                $"{(discard ? "Discarding" : "Undoing")} the restore of {state.Id} did not finish: {string.Join("; ", failures)}. " +
                $"What is left is still recorded in {_states.FilePath}; fix the cause and run `summit-dr " +
                    $"undo{(discard ? " --discard" : string.Empty)}` again.");
        }

        _states.Remove(state.Id);
        return new UndoResult(state, discard, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// Before any command runs: a restore that died half way (its state not complete, its process gone) left
    /// some stores replaced and some not. Every replaced store is put back, so the platform is never half old,
    /// half new.
    /// </summary>
    public async Task RecoverAsync(BackupRoot root, CancellationToken cancellationToken)
    {
        var states = KeptStateStore.For(root);
        foreach (var state in states.Read().Where(s => !s.Complete && !s.Owner.IsAlive()))
        {
            await _check.RequireOwnAsync(state, states.FilePath, cancellationToken);
            _logger.LogWarning("A restore ({Id}, pid {Pid}) died before it finished; putting back what it had " +
                "replaced", state.Id, state.Owner.Pid);
            var failures = new List<string>();
            await PutBackAsync(state, new SwapProgress(states, state), failures, cancellationToken);
            if (failures.Count > 0)
            {
                throw new OperationFailedException(
                    $"A restore ({state.Id}) died before it finished, and putting back what it had replaced failed: " +
                        $"{string.Join("; ", failures)}. Fix the cause and run `summit-dr undo`.");
            }

            states.Remove(state.Id);
            _logger.LogInformation("Recovered: the platform is as it was before the restore of {Id}", state.Id);
        }
    }

    private async Task ConfirmAsync(KeptState state, bool discard, bool yes, CancellationToken cancellationToken)
    {
        if (yes)
        {
            return;
        }

        if (!_confirmation.CanAsk)
        {
            throw new UsageException($"{(discard ? "Discarding the kept state deletes it" : "Undo overwrites the live platform")} and " +
                $"there is no terminal to confirm on. Pass --yes to confirm.");
        }

        var targets = new List<ConfirmationTarget>();
        if (state.Postgres is { } pg)
        {
            targets.Add(new ConfirmationTarget(BackupComponent.Postgres, pg.Database, pg.Container, pg.Kept));
        }

        if (state.PostgresData is { } data)
        {
            targets.Add(new ConfirmationTarget(BackupComponent.Postgres, data.DataDirectory, data.Container, data.Volume));
        }

        if (state.Neo4j is { } graph)
        {
            targets.Add(new ConfirmationTarget(BackupComponent.Neo4j, graph.Database, graph.Container, graph.Kept));
        }

        if (state.Uploads is { } up)
        {
            targets.Add(new ConfirmationTarget(BackupComponent.Uploads, up.Path, null, up.Kept));
        }

        var summary = new ConfirmationRequest(
            discard ? ConfirmationKind.Discard : ConfirmationKind.Undo,
            $"restore of {state.Id} ({Path.GetFileName(state.Backup)})",
            null,
            null,
            targets,
            SafetyBackup: false,
            state.Postgres?.Database ?? state.Id);
        if (!await _confirmation.ConfirmAsync(summary, cancellationToken))
        {
            throw new UsageException($"{(discard ? "Discard" : "Undo")} not confirmed; nothing was changed.");
        }
    }

    /// <summary>Puts back every store the state records as replaced; a store not replaced is only forgotten.</summary>
    private async Task PutBackAsync(
        KeptState state, SwapProgress progress, List<string> failures, CancellationToken cancellationToken)
    {
        if (state.Neo4j is { Moved: false })
        {
            progress.Update(s => s with { Neo4j = null });
        }
        else if (state.Neo4j is { } graph)
        {
            await AttemptAsync("Neo4j", failures, async () =>
            {
                await _neo4j.PutBackAsync(graph, state.Id, cancellationToken);
                progress.Update(s => s with { Neo4j = null });
            });
        }

        if (state.Postgres is { } pg)
        {
            await AttemptAsync("PostgreSQL", failures, async () =>
            {
                await _kept.PutPostgresBackAsync(pg, state.Id, cancellationToken);
                progress.Update(s => s with { Postgres = null });
            });
        }

        if (state.PostgresData is { } data)
        {
            await AttemptAsync("PostgreSQL", failures, async () =>
            {
                await _kept.PutPostgresDataBackAsync(data, cancellationToken);
                progress.Update(s => s with { PostgresData = null });
            });
        }

        if (state.Uploads is { } up)
        {
            await AttemptAsync("uploads", failures, () =>
            {
                _kept.PutUploadsBack(up, state.Id);
                progress.Update(s => s with { Uploads = null });
                return Task.CompletedTask;
            });
        }
    }

    private async Task DiscardAsync(KeptState state, SwapProgress progress, List<string> failures, CancellationToken cancellationToken)
    {
        if (state.Postgres is { } pg)
        {
            await AttemptAsync("PostgreSQL", failures, async () =>
            {
                await _kept.DiscardPostgresAsync(pg, cancellationToken);
                progress.Update(s => s with { Postgres = null });
            });
        }

        if (state.PostgresData is { } data)
        {
            await AttemptAsync("PostgreSQL", failures, async () =>
            {
                await _kept.DiscardPostgresDataAsync(data, cancellationToken);
                progress.Update(s => s with { PostgresData = null });
            });
        }

        if (state.Neo4j is { } graph)
        {
            await AttemptAsync("Neo4j", failures, async () =>
            {
                await _neo4j.DiscardAsync(graph, cancellationToken);
                progress.Update(s => s with { Neo4j = null });
            });
        }

        if (state.Uploads is { } up)
        {
            await AttemptAsync("uploads", failures, () =>
            {
                _kept.DiscardUploads(up);
                progress.Update(s => s with { Uploads = null });
                return Task.CompletedTask;
            });
        }
    }

    private async Task AttemptAsync(string store, List<string> failures, Func<Task> action)
    {
        try
        {
            await action();
            _logger.LogInformation("{Store}: done", store);
        }
        catch (Exception ex) when (ex is SummitDrException or IOException or OperationCanceledException)
        {
            failures.Add($"{store}: {ex.Message}");
        }
    }
}
