using Microsoft.Extensions.Logging;
using Summit.Dr.Model;
using Summit.Dr.Operations.Kept;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr.Operations.Restore;

/// <summary>
/// PostgreSQL to a point in time: the base backup proved and the WAL staged and read while it serves, then its data
/// directory kept in a volume of its own, the base backup laid, the WAL replayed to the target, the archiver started
/// again on the new timeline.
/// </summary>
public sealed class PostgresPointInTimeRestore(
    PitrPreparation pitr, KeptStores kept, StepRunner steps, ScriptRunner scripts, ILogger<PostgresPointInTimeRestore> logger)
    : IStoreRestore
{
    public BackupComponent Component => BackupComponent.Postgres;

    public bool Serves(RestoreContext context) => context.Plan is not null;

    public void Require(RestoreContext context)
    {
    }

    /// <summary>The base backup checked, the WAL staged and read, nothing live touched.</summary>
    public async Task<IRestoringStore> PrepareAsync(RestoreContext context, CancellationToken cancellationToken) =>
        new Prepared(await pitr.PrepareAsync(context.Plan!, context.Targets.Postgres!, cancellationToken), this);

    private async Task<StoreSwapped> SwapInAsync(PitrPrepared prepared, SwapProgress state, CancellationToken cancellationToken)
    {
        await steps.ComposeAsync(
            $"restore postgres to " +
                $"{prepared.Plan.Target.ToLocalTime():yyyy-MM-dd HH:mm:ss}", token =>
                    kept.SwapPostgresToPointAsync(prepared, state, token), cancellationToken);
        return StoreSwapped.Nothing;
    }

    /// <summary>Whatever step it failed at (the server stopped, its data half laid, recovery failed), it is put back and started.</summary>
    private Task<StoreOutcome?> PutBackAsync(SwapProgress state, CancellationToken cancellationToken) =>
        RestoreRollback.PutBackAsync(
            state,
            BackupComponent.Postgres,
            state.Current.PostgresData?.Touched,
            () => kept.PutPostgresDataBackAsync(state.Current.PostgresData!, cancellationToken),
            s => s with { PostgresData = null },
            logger);

    private Task CloseAsync(PitrPrepared prepared) => steps.RunAsync("remove postgres " +
        "workbench", prepared.Bench.Remove, CancellationToken.None);

    private Task ReleaseAsync(PitrPrepared prepared, KeptState state) =>
        prepared.ReleaseAsync(state.PostgresData is { Moved: true }, scripts, logger);

    private sealed class Prepared(PitrPrepared prepared, PostgresPointInTimeRestore restore) : IRestoringStore
    {
        public BackupComponent Component => BackupComponent.Postgres;

        public Task ReadyAsync() => Task.CompletedTask;

        public Task<StoreSwapped> SwapInAsync(SwapProgress state, CancellationToken cancellationToken) =>
            restore.SwapInAsync(prepared, state, cancellationToken);

        public Task<StoreOutcome?> PutBackAsync(SwapProgress state, CancellationToken cancellationToken) =>
            restore.PutBackAsync(state, cancellationToken);

        public Task FinishAsync() => Task.CompletedTask;

        public Task CloseAsync() => restore.CloseAsync(prepared);

        public Task ReleaseAsync(KeptState state) => restore.ReleaseAsync(prepared, state);

        /// <summary>Where PostgreSQL is after a restore to a point in time, plainly.</summary>
        public string Restored(string backup) =>
            $"restored to {prepared.Plan.Target.ToLocalTime():yyyy-MM-dd HH:mm:ss zzz}: base backup of {prepared.Plan.Base.Name} and the " +
                $"WAL archive, " +
            (prepared.Reading.LastBefore is { } last ? $"up to its last transaction before then, at " +
                $"{last.ToLocalTime():HH:mm:ss.ffffff}" : "with no transaction between the base backup and then") +
            (prepared.Plan.Ledgers.SignedOnly ? $"; only WAL its signed ledger vouched for, up to the last signed sync at " +
                $"{prepared.Plan.CoveredUntil.ToLocalTime():HH:mm:ss}" : string.Empty);
    }
}
