using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Summit.Dr.Archive;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Kept;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Neo4j;

namespace Summit.Dr.Operations.Restore;

/// <summary>
/// Neo4j: the workbench neo4j-admin loads in, the dump copied into Neo4j's own volume from one read of the backup and
/// proved on the way, and (load-then-swap) that copy loaded into a staging directory of the volume while Neo4j serves;
/// then one stop and one start: its store moved aside, the staged store renamed into place (or, where the volume
/// lacked the room, the copy loaded in place), started, its node count checked.
/// </summary>
public sealed class Neo4jRestore(
    Neo4jDumps dumps, Neo4jScratch scratch, Neo4jIncoming incoming, Neo4jStops stops, KeptNeo4jStore keptNeo4j, StepRunner steps,
        ILogger<Neo4jRestore> logger) : IStoreRestore
{
    /// <summary>A dump is compressed: without the backup's own measure, a store of four times its size is assumed.</summary>
    private const int DumpExpansion = 4;

    /// <summary>Putting a store back runs after the user's token may be cancelled; it has its own generous deadline.</summary>
    private static readonly TimeSpan RollbackDeadline = TimeSpan.FromMinutes(30);

    public BackupComponent Component => BackupComponent.Neo4j;

    public bool Serves(RestoreContext context) => true;

    /// <summary>A dump that is not there is refused (exit 4) before a workbench is started for it.</summary>
    public void Require(RestoreContext context) => ArtifactChecks.RequirePresent(context.Opened, BackupComponent.Neo4j);

    /// <summary>
    /// While Neo4j serves, its own container takes the copy of the dump and measures the room for a staging store as the
    /// workbench starts beside it (a container start is the slow part, and nothing else waits for it); the load waits for
    /// both. A stopped Neo4j has only the workbench to do it all in.
    /// </summary>
    public async Task<IRestoringStore> PrepareAsync(RestoreContext context, CancellationToken cancellationToken)
    {
        var target = context.Targets.Neo4j!;
        var dump = Neo4jIncoming.DirectoryFor(target, context.State.Id);
        Neo4jWorkbench? bench = null;
        Neo4jDataDirectory? staging = null;
        async Task StartAsync(CancellationToken token) => bench = await steps.RunAsync(
            "neo4j workbench", set => dumps.Workbench(target, set), dumps.Planned(target, seesMount: false), token);
        async Task CopyThenMeasureAsync(INeo4jVolume volume, CancellationToken token)
        {
            await CopyAsync(volume, dump, context, token);
            staging = await RoomAsync(target, context, token);
        }

        try
        {
            if (target.Container.Running)
            {
                await steps.ConcurrentlyAsync(
                    [StartAsync, token => CopyThenMeasureAsync(scratch.Server(target), token)], cancellationToken);
            }
            else
            {
                await StartAsync(cancellationToken);
                await CopyThenMeasureAsync(bench!, cancellationToken);
            }

            await (staging is { } data
                ? LoadAsync(bench!, dump, data, cancellationToken) : ReadAsync(bench!, dump, context, cancellationToken));
            return new Prepared(bench!, dump, staging, context, this);
        }
        catch
        {
            // Clean-up that fails is said, never in place of the failure being reported.
            if (bench is not null)
            {
                await bench.DisposeAsync();
            }

            await Tasks.QuietlyAsync(RemoveStagingAsync(target, [staging, dump]), logger, "removing the copy of the dump");
            throw;
        }
    }

    /// <summary>
    /// The dump copied into Neo4j's volume and checked on the way: its size and SHA-256 must be the manifest's. A dump whose
    /// SHA-256 matches is the very dump neo4j-admin read back when the backup was made.
    /// </summary>
    private Task CopyAsync(INeo4jVolume volume, Neo4jDataDirectory dump, RestoreContext context, CancellationToken cancellationToken)
    {
        var opened = context.Opened;
        var path = Path.Combine(opened.Directory, BackupLayout.Neo4jFile);
        var detail = Vouched(opened, volume.Target)
            ? $"copied into Neo4j's volume, SHA-256 matches the dump neo4j-admin {volume.Target.Version} read back when it was made"
            : "copied into Neo4j's volume";
        return steps.RunAsync($"check {BackupLayout.Neo4jFile}", () => incoming.Copy(volume, dump, opened, journaled: true)
            .Then(Script.Do(step => step.Report(detail: detail))),
            new StepOptions { TracksBytes = true, ExpectedBytes = File.Exists(path) ? new FileInfo(path).Length : null },
                cancellationToken);
    }

    /// <summary>The manifest vouches for a dump neo4j-admin of the version in place read back when the backup was made.</summary>
    private static bool Vouched(OpenedBackup opened, Neo4jTarget target) =>
        opened.Manifest?.Neo4j is { Artifact: not null, Source.ServerVersion: { } made } && made == target.Version;

    /// <summary>
    /// Loaded in place at the swap, a dump the manifest does not vouch for (no manifest, or another Neo4j version) is read
    /// first (`load --info`, 5.x): Neo4j would be down for a load that fails. A load into a staging store reads it anyway
    /// while Neo4j serves, and is not preceded by a second read.
    /// </summary>
    private Task ReadAsync(Neo4jWorkbench bench, Neo4jDataDirectory dump, RestoreContext context, CancellationToken cancellationToken)
    {
        if (Vouched(context.Opened, bench.Target))
        {
            return Task.CompletedTask;
        }

        string? info = null;
        return steps.RunAsync($"read {BackupLayout.Neo4jFile}", () => Neo4jIncoming.Info(bench, dump, read => info = read)
            .Then(Script.Do(step => step.Report(detail: info is null ? "4.4 has no load --info: checked for bytes only"
                : "neo4j-admin load --info read its header"))), cancellationToken);
    }

    /// <summary>
    /// The staging store's directory, when Neo4j runs and its volume has the room for the store the backup recorded (or,
    /// from an older backup, the larger of the live store and four times the dump); null where it is loaded in place at the
    /// swap.
    /// </summary>
    private async Task<Neo4jDataDirectory?> RoomAsync(Neo4jTarget target, RestoreContext context, CancellationToken cancellationToken)
    {
        var opened = context.Opened;
        var path = Path.Combine(opened.Directory, BackupLayout.Neo4jFile);
        var dumpBytes = File.Exists(path) ? new FileInfo(path).Length : 0;
        var choice = await scratch.ChooseAsync(
            target, Neo4jScratchKinds.Staging, context.State.Id, live =>
                opened.Manifest?.Neo4j.StoreBytes
                    ?? (live is { } bytes ? Math.Max(bytes, dumpBytes * DumpExpansion) : null), cancellationToken);
        return choice.Directory;
    }

    /// <summary>The verified copy loaded into the staging directory while Neo4j serves; a dump neo4j-admin cannot read fails
    /// here, with nothing live touched.</summary>
    private Task LoadAsync(Neo4jWorkbench bench, Neo4jDataDirectory dump, Neo4jDataDirectory data, CancellationToken cancellationToken) =>
        steps.RunAsync("neo4j load " +
            "(staging)", () => scratch.Create(bench, data).Then(Neo4jIncoming.Load(bench, dump, data))
            .Finally(Script.Empty, onFailure: scratch.Remove(bench.Target, data)), cancellationToken);

    /// <summary>
    /// The store moved aside and the prepared one put in place while Neo4j is down. When that fails, the workbench goes
    /// (a load still running in it would hold the store lock) and the old store is put back before Neo4j starts again,
    /// never an empty one.
    /// </summary>
    private async Task<StoreSwapped> SwapInAsync(Prepared prepared, SwapProgress state, CancellationToken cancellationToken)
    {
        var (bench, graph, target) = (prepared.Bench, state.Current.Neo4j!, prepared.Context.Targets.Neo4j!);
        Neo4jDowntime? downtime = null;
        Neo4jOffline? work = null;
        var started = 0L;
        var swapped = StoreSwapped.Nothing;
        await steps.RunAsync("restore neo4j", () =>
        {
            var offline = KeptStores.MoveNeo4jAside(bench, graph, () =>
                {
                    state.Update(s => s with { Neo4j = graph with { Moved = true } });
                    started = Stopwatch.GetTimestamp();
                })
                // Load-then-swap: the store loaded while Neo4j served is renamed into place.
                .Then(prepared.Staging is { } staging ? KeptStores.SwapStagedNeo4jIn(bench, staging) : Neo4jIncoming.Load(
                    bench, prepared.Dump))
                .Then(Script.Do(
                    () => work = new Neo4jOffline(
                        prepared.Staging is null ? "load" : "rename", Stopwatch.GetElapsedTime(started).TotalSeconds)))
                .Finally(Script.Empty, onFailure: Script.InProcess("the old store back before Neo4j starts again", async _ =>
                {
                    await bench.DisposeAsync();
                    prepared.PutBackEarly(await PutBackAsync(prepared, state, CancellationToken.None));
                }));
            return stops.WhileStopped(target, offline, bench, d => downtime = d).Then(Script.Do(step =>
            {
                if (downtime?.Duration is { } down && work is not null)
                {
                    swapped = swapped with { Neo4jDown = (down.TotalSeconds, work) };
                    step.Report(detail: $"Neo4j down {down.TotalSeconds:0.0} s, of which the " +
                        $"{(work.Work == "rename" ? "renames" : "load")} {work.Seconds:0.0} s");
                }

                if (downtime?.NodeCount is { } nodes)
                {
                    swapped = swapped with { Neo4jAnswer = (target.Container.Name, nodes) };
                }

                CheckNodes(downtime, prepared.Context.Opened.Manifest);
            }));
        }, cancellationToken);
        // A dry run plans for the answer a restore waits for when Neo4j comes back: the post-restore checks do not ask again.
        return StepRunner.DryRun
            ? swapped with { Neo4jAnswer = (target.Container.Name, prepared.Context.Opened.Manifest?.Neo4j.NodeCount ?? 0) } : swapped;
    }

    /// <summary>The node count Neo4j answered with when it came back must be the manifest's (when both are known).</summary>
    private static void CheckNodes(Neo4jDowntime? downtime, BackupManifest? manifest)
    {
        if (downtime?.Duration is not null && manifest?.Neo4j.NodeCount is { } expected && downtime.NodeCount != expected)
        {
            throw new OperationFailedException($"Neo4j has " +
                $"{downtime.NodeCount?.ToString(CultureInfo.InvariantCulture) ?? "an unknown number of"} nodes after the restore, the " +
                    $"backup recorded {expected}.");
        }
    }

    /// <summary>Inside the failed load Neo4j is down, and the store goes back before it starts again; otherwise Neo4j is stopped for
    /// it.</summary>
    private async Task<StoreOutcome?> PutBackAsync(Prepared prepared, SwapProgress state, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(RollbackDeadline);
        return await RestoreRollback.PutBackAsync(
            state,
            BackupComponent.Neo4j,
            state.Current.Neo4j?.Moved,
            () => keptNeo4j.PutBackAsync(state.Current.Neo4j!, state.Current.Id, deadline.Token),
            s => s with { Neo4j = null },
            logger);
    }

    /// <summary>The copy of the dump and the staging store go, through the server's container (it outlives the workbench).</summary>
    private Task RemoveStagingAsync(Neo4jTarget target, IEnumerable<Neo4jDataDirectory?> directories)
    {
        var removed = directories.OfType<Neo4jDataDirectory>().ToList();
        return steps.RunAsync(
            "remove staging", () =>
                removed.Aggregate(
                    Script.Empty, (script, directory) => script.Then(scratch.Remove(target, directory))),
                        CancellationToken.None);
    }

    private Task RemoveWorkbenchAsync(Neo4jWorkbench bench) => steps.RunAsync("remove workbench", bench.Remove, CancellationToken.None);

    /// <summary>What the Neo4j side of a restore prepared: the workbench, the verified copy of the dump, the staged store (null: loaded in
    /// place).</summary>
    private sealed record Prepared(
        Neo4jWorkbench Bench, Neo4jDataDirectory Dump, Neo4jDataDirectory? Staging, RestoreContext Context,
        Neo4jRestore Restore) : IRestoringStore
    {
        private StoreOutcome? _putBackEarly;
        private int _stagingRemoved;

        public BackupComponent Component => BackupComponent.Neo4j;

        public Neo4jWorkbench? Neo4jBench => Bench;

        public Task ReadyAsync() => Task.CompletedTask;

        public Task<StoreSwapped> SwapInAsync(SwapProgress state, CancellationToken cancellationToken) =>
            Restore.SwapInAsync(this, state, cancellationToken);

        /// <summary>A store put back inside the failed swap, while Neo4j was down, is reported as such by the rollback.</summary>
        public void PutBackEarly(StoreOutcome? outcome) => _putBackEarly = outcome;

        public async Task<StoreOutcome?> PutBackAsync(SwapProgress state, CancellationToken cancellationToken) =>
            _putBackEarly ?? await Restore.PutBackAsync(this, state, cancellationToken);

        /// <summary>The copy of the dump and the staging store, once (after the swap the staging directory holds nothing).</summary>
        public Task FinishAsync() =>
            Interlocked.Exchange(ref _stagingRemoved, 1) == 0
                ? Restore.RemoveStagingAsync(Context.Targets.Neo4j!, [Staging, Dump]) : Task.CompletedTask;

        public Task CloseAsync() => Restore.RemoveWorkbenchAsync(Bench);

        public async Task ReleaseAsync(KeptState state)
        {
            await Bench.DisposeAsync();
            await FinishAsync();
        }

        public string Restored(string backup) => $"restored from {backup}";
    }
}
