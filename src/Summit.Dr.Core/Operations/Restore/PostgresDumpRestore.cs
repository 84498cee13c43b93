using Microsoft.Extensions.Logging;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Kept;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Postgres;

namespace Summit.Dr.Operations.Restore;

/// <summary>
/// PostgreSQL from its dump: the dump copied into PostgreSQL's own volume from one read of the backup and proved on
/// the way, restored from that copy into a database of its own beside the live one (running on in the background),
/// then swapped in by renaming databases in one transaction, the live one kept under its kept name.
/// </summary>
public sealed class PostgresDumpRestore(
    PostgresService postgres, PostgresIncoming incoming, KeptStores kept, StepRunner steps, ScriptRunner scripts,
        ILogger<PostgresDumpRestore> logger) : IStoreRestore
{
    public BackupComponent Component => BackupComponent.Postgres;

    public bool Serves(RestoreContext context) => context.Plan is null;

    public void Require(RestoreContext context)
    {
    }

    /// <summary>
    /// Verify before execute: no byte of the dump reaches pg_restore before the copy it reads proved its size and
    /// SHA-256 (and, encrypted, its integrity check). A copy whose SHA-256 matches the manifest is the very dump
    /// `pg_restore --list` read back when the backup was made; a dump without a manifest is read by pg_restore from
    /// the copy, its table of contents and every data block. Then the restore into a database of its own begins:
    /// touching nothing live, it runs on while the other stores prepare.
    /// </summary>
    public async Task<IRestoringStore> PrepareAsync(RestoreContext context, CancellationToken cancellationToken)
    {
        var (opened, container, keptPostgres) = (context.Opened, context.Targets.Postgres!, context.State.Postgres!);
        var path = Path.Combine(opened.Directory, BackupLayout.PostgresFile);
        var owner = await steps.AskAsync("postgres data owner", (_, token) => incoming.OwnerAsync(container, token), cancellationToken);
        var dump = PostgresIncoming.For(container, owner);
        await steps.RunAsync($"check {BackupLayout.PostgresFile}", () => opened.Manifest is { } manifest
            ? incoming.Copy(dump, opened).Then(Script.Do(step => step.Report(
                detail: $"copied into '{container.Name}', SHA-256 matches the dump pg_restore read back when it was made " +
                    $"({manifest.Postgres.ArchiveEntries} entries)")))
            : incoming.Copy(dump, opened).Then(postgres.ReadCopy(dump, (step, entries) => step.Report(detail: $"copied into " +
                $"'{container.Name}'; pg_restore read all {entries} entries"))
                .Finally(Script.Empty, onFailure: Script.InProcess("remove the copy", _ => incoming.RemoveAsync(dump)))),
            new StepOptions { TracksBytes = true, ExpectedBytes = File.Exists(path) ? new FileInfo(path).Length : null },
                cancellationToken);

        var expected = opened.Manifest?.Postgres.TableCount;
        var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var restoring = steps.RunAsync("postgres into " + keptPostgres.Incoming, () => postgres.RestoreInto(dump, keptPostgres.Incoming)
                .Finally(incoming.Remove(dump))
                .Then(expected is { } tables ? postgres.RequireTables(dump.Container, keptPostgres.Incoming, tables) : Script.Empty),
                    abort.Token);
        return new Prepared(keptPostgres, restoring, abort, this);
    }

    private async Task<StoreSwapped> SwapInAsync(SwapProgress state, CancellationToken cancellationToken)
    {
        await steps.RunAsync(
            "restore postgres", () =>
                kept.SwapPostgresIn(state.Current.Postgres!, swapped => state.Update(s => s with { Postgres = swapped })),
                cancellationToken);
        return StoreSwapped.Nothing;
    }

    private Task<StoreOutcome?> PutBackAsync(SwapProgress state, CancellationToken cancellationToken) =>
        RestoreRollback.PutBackAsync(
            state,
            BackupComponent.Postgres,
            state.Current.Postgres?.Swapped,
            () => kept.PutPostgresBackAsync(state.Current.Postgres!, state.Current.Id, cancellationToken),
            s => s with { Postgres = null },
            logger);

    /// <summary>The restore into a database of its own stops; a restored copy that never took the live name goes, and a failure is said,
    /// not thrown.</summary>
    private async Task ReleaseAsync(KeptPostgres prepared, Task restoring, CancellationTokenSource abort, KeptState state)
    {
        await abort.CancelAsync();
        await Tasks.QuietlyAsync(restoring, logger, "the restore into a database of its own");
        abort.Dispose();
        if (state.Postgres is { Swapped: true } || StepRunner.DryRun)
        {
            return;
        }

        using var cleanup = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await scripts.RunAsync(postgres.Drop(prepared.Container, prepared.Incoming), cleanup.Token);
        }
        catch (Exception ex) when (ex is SummitDrException or OperationCanceledException)
        {
            logger.LogWarning("Could not drop the database {Database}: {Error}. Drop it by hand", prepared.Incoming, ex.Message);
        }
    }

    /// <summary>The copy restored into a database of its own, or being restored: a task started once, stopped when released.</summary>
    private sealed class Prepared(KeptPostgres prepared, Task restoring, CancellationTokenSource abort, PostgresDumpRestore restore)
        : IRestoringStore
    {
        public BackupComponent Component => BackupComponent.Postgres;

        public Task ReadyAsync() => restoring;

        public Task<StoreSwapped> SwapInAsync(SwapProgress state, CancellationToken cancellationToken) =>
            restore.SwapInAsync(state, cancellationToken);

        public Task<StoreOutcome?> PutBackAsync(SwapProgress state, CancellationToken cancellationToken) =>
            restore.PutBackAsync(state, cancellationToken);

        public Task FinishAsync() => Task.CompletedTask;

        public Task CloseAsync() => Task.CompletedTask;

        public Task ReleaseAsync(KeptState state) => restore.ReleaseAsync(prepared, restoring, abort, state);

        public string Restored(string backup) => $"restored from {backup}";
    }
}
