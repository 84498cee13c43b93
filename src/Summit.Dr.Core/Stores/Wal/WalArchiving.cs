using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Steps;

namespace Summit.Dr.Stores.Wal;

/// <summary>
/// Sets the archive up and keeps it going: checks that the server lets the archiver replicate, bounds what the
/// slot may hold back, makes the slot, and starts the archiver (again) on the branch of the server's current
/// timeline; a running archiver on that branch is left as it is. Nothing is left half set up when it fails.
/// Runs as steps inside an operation, and as bare work inside undo and the recovery of a dead run.
/// </summary>
public sealed class WalArchiving(
    WalServer server, WalArchiver archiver, WalSync sync, PlatformContainers containers, StepRunner steps,
        IOptions<SummitDrOptions> options,
        ILogger<WalArchiving> logger)
{
    private readonly WalArchive _archive = sync.Archive;

    /// <summary>
    /// Inside a run that holds the lock (a restore, its rollback, undo): the archiver started again on the branch
    /// of the server's current timeline, when point-in-time recovery is on. <paramref name="recovered"/>: the
    /// server was just recovered from a base backup, which carries no replication slot (a dry run plans for that).
    /// </summary>
    public async Task ResumeAsync(string container, bool recovered, CancellationToken cancellationToken)
    {
        if (options.Value.Pitr.Enabled)
        {
            await EnsureAsync(await containers.PostgresAsync("run `summit-dr wal start`", cancellationToken), recovered, cancellationToken);
        }
    }

    /// <summary>The archiver container as the engine knows it (a question).</summary>
    public Task<ContainerInfo?> ArchiverAsync(string container, CancellationToken cancellationToken) =>
        archiver.InspectAsync(container, cancellationToken);

    public Script RemoveArchiver(string container) => archiver.Remove(container);

    public Task RemoveArchiverAsync(string container, CancellationToken cancellationToken) =>
        archiver.RemoveAsync(container, cancellationToken);

    public Script DropSlot(string container) => server.DropSlot(container);

    public async Task<WalBranch> EnsureAsync(ContainerInfo postgres, bool recovered, CancellationToken cancellationToken)
    {
        var state = await steps.AskOrBareAsync("wal position", t => server.StateAsync(postgres.Name, t), cancellationToken);
        if (recovered && StepRunner.DryRun)
        {
            // What the run will find once the server has recovered: a new timeline, no slot, no archiver.
            state = state with { Timeline = state.Timeline + 1, Slot = null };
        }

        if (!state.RoleMayReplicate)
        {
            var user = options.Value.Postgres.User;
            throw new PreconditionException($"The role '{user}' may not replicate, and the archiver streams WAL as it: run `ALTER ROLE " +
                $"\"{user}\" REPLICATION` in PostgreSQL, or set Postgres:User to a role that may. Nothing was set up.");
        }

        var branch = new WalBranch(state.SystemIdentifier, state.Timeline, state.SegmentSize, postgres.Name, postgres.Image, []);
        var running = recovered && StepRunner.DryRun ? null : await archiver.InspectAsync(postgres.Name, cancellationToken);
        if (running is { Running: true } && running.Labels.GetValueOrDefault(WalArchiver.BranchLabel) == branch.Name
            && state.Slot is { Active: true })
        {
            logger.LogInformation("The archiver {Name} already streams into {Branch}", running.Name, branch.Name);
            await sync.LedgerAsync(cancellationToken);
            return branch;
        }

        await steps.StepOrBareAsync("replication check", () => archiver.Probe(postgres), cancellationToken);
        await BoundAsync(postgres.Name, state, cancellationToken);
        var created = state.Slot is null;
        if (created)
        {
            await steps.StepOrBareAsync("replication slot", () => Script.Say("reserves WAL from the last checkpoint on, before the " +
                "archiver first connects").Then(server.CreateSlot(postgres.Name)), cancellationToken);
        }

        try
        {
            await StartArchiverAsync(postgres, branch, running, cancellationToken);
        }
        catch when (created && !StepRunner.DryRun)
        {
            await Tasks.QuietlyAsync(steps.StepOrBareAsync("drop replication " +
                "slot", () => server.DropSlot(postgres.Name), CancellationToken.None), logger, "dropping the slot");
            throw;
        }

        await sync.LedgerAsync(cancellationToken);
        return branch;
    }

    private async Task BoundAsync(string container, WalServerState state, CancellationToken cancellationToken)
    {
        if (state.MaxSlotWalKeepSizeMiB >= 0)
        {
            logger.LogInformation("PostgreSQL bounds what a slot holds back at {Bound} MiB " +
                "(max_slot_wal_keep_size)", state.MaxSlotWalKeepSizeMiB);
            return;
        }

        var bound = options.Value.Pitr.MaxSlotWalKeepSizeMiB;
        await steps.StepOrBareAsync("slot bound", () => Script.Say("max_slot_wal_keep_size was unbounded: a slot whose archiver is gone " +
            "could fill the platform's disk").Then(server.Bound(container, bound)), cancellationToken);
        logger.LogWarning("PostgreSQL let replication slots hold back WAL without bound; set max_slot_wal_keep_size = {Bound}MB " +
            "(Pitr:MaxSlotWalKeepSizeMiB), so a gone archiver costs a gap in the archive, never the platform's disk", bound);
    }

    /// <param name="previous">The archiver as inspected above, which this one replaces.</param>
    private async Task StartArchiverAsync(
        ContainerInfo postgres, WalBranch branch, ContainerInfo? previous, CancellationToken cancellationToken)
    {
        var inVolume = false;
        await steps.StepOrBareAsync(
            "start archiver", () => archiver.Replace(postgres, branch, _archive, previous, v => inVolume = v), cancellationToken);
        // A wait on what the step before started, not a question: a dry run, which starts nothing, does not wait.
        await steps.StepOrBareAsync(
            "archiver streams", () => archiver.WaitStreaming(postgres, branch, _archive, inVolume), cancellationToken);
    }
}
