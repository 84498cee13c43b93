using Summit.Dr.Model;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Neo4j;


namespace Summit.Dr.Operations.Restore;

/// <summary>
/// A restore's Neo4j before the swap, touching nothing live: the workbench neo4j-admin loads in, the dump copied into
/// Neo4j's own volume from one read of the backup and proved on the way, and (load-then-swap) that copy loaded into a
/// staging directory of the volume while Neo4j serves, so the swap only stops it for two renames. Where the volume
/// lacks the room for the staging store the copy is loaded in place at the swap, as before.
/// </summary>
public sealed class Neo4jPreparation(Neo4jDumps dumps, Neo4jScratch scratch, Neo4jIncoming incoming, StepRunner steps)
{
    /// <summary>A dump is compressed: without the backup's own measure, a store of four times its size is assumed.</summary>
    private const int DumpExpansion = 4;

    /// <summary>The container neo4j-admin copies and loads in; it mounts nothing of this machine.</summary>
    public Task<Neo4jWorkbench> StartBenchAsync(Neo4jTarget target, CancellationToken cancellationToken) =>
        steps.RunAsync(
            "neo4j workbench",
            (_, t) => dumps.StartWorkbenchAsync(target, t),
            cancellationToken,
            () => dumps.WorkbenchPlan(target),
            dry: () => dumps.Planned(target, seesMount: false));

    /// <summary>
    /// The dump copied into Neo4j's volume and checked on the way. neo4j-admin reads the copy's header too (`load --info`)
    /// unless the manifest vouches for it: a dump whose SHA-256 matches is the very dump neo4j-admin read back when the
    /// backup was made, and with the same Neo4j version in place, reading it again proves nothing more. A backup without
    /// a manifest, or from another version, is read. The copy is removed with the staging store, whatever happens.
    /// </summary>
    public Task CopyAsync(PreparedRestore prepared, OpenedBackup opened, string root, CancellationToken cancellationToken)
    {
        var bench = prepared.Bench!;
        var path = Path.Combine(opened.Directory, BackupLayout.Neo4jFile);
        var vouched = opened.Manifest?.Neo4j is { Artifact: not null, Source.ServerVersion: { } made } && made == bench.Target.Version;
        var directory = Neo4jIncoming.DirectoryFor(bench.Target, prepared.State.Id);
        prepared.Neo4jDump = directory;
        var target = bench.Target;
        prepared.RemoveStaging = () => RemoveAsync(prepared, target, root);
        return steps.RunAsync($"check {BackupLayout.Neo4jFile}", async (step, token) =>
        {
            await incoming.CopyAsync(bench, directory, opened, root, step, token);
            var info = vouched ? null : await incoming.ReadInfoAsync(bench, directory, token);
            step.Report(detail: vouched
                ? $"copied into Neo4j's volume, SHA-256 matches the dump neo4j-admin {bench.Target.Version} read back when it was made"
                : info is null ? "copied into Neo4j's volume (4.4 has no load --info)" : "copied into Neo4j's volume; neo4j-admin load --info read its header");
        }, cancellationToken, () => incoming.CopyPlan(bench, directory, path).Then(vouched ? StepPlan.None : incoming.InfoPlan(bench, directory)),
            new StepOptions { TracksBytes = true, ExpectedBytes = File.Exists(path) ? new FileInfo(path).Length : null });
    }

    /// <summary>
    /// Loads the verified copy into a staging directory while Neo4j serves, when Neo4j runs and its volume has the room
    /// for the store the backup recorded (or, from an older backup, the larger of the live store and four times the
    /// dump). The directory is removed whatever happens, by <see cref="PreparedRestore"/>.
    /// </summary>
    public async Task StageAsync(PreparedRestore prepared, OpenedBackup opened, string root, CancellationToken cancellationToken)
    {
        var bench = prepared.Bench!;
        var target = bench.Target;
        var path = Path.Combine(opened.Directory, BackupLayout.Neo4jFile);
        var dumpBytes = File.Exists(path) ? new FileInfo(path).Length : 0;
        var choice = await scratch.ChooseAsync(
            target, Neo4jScratchKinds.Staging, prepared.State.Id, live => opened.Manifest?.Neo4j.StoreBytes ?? (live is { } bytes ? Math.Max(bytes, dumpBytes * DumpExpansion) : null), cancellationToken);
        if (choice.Directory is not { } data)
        {
            return;
        }

        prepared.Staging = data;
        await steps.RunAsync("neo4j load (staging)", async (_, token) =>
        {
            await scratch.CreateAsync(bench, root, data, token);
            await incoming.LoadAsync(bench, prepared.Neo4jDump!, token, data);
        }, cancellationToken, () => scratch.CreatePlan(bench, data).Then(incoming.LoadSpec(bench, prepared.Neo4jDump!, data)));
    }

    /// <summary>The copy of the dump and the staging store go, through the server's container (it outlives the workbench).</summary>
    private Task RemoveAsync(PreparedRestore prepared, Neo4jTarget target, string root)
    {
        var removed = new[] { prepared.Staging, prepared.Neo4jDump }.OfType<Neo4jDataDirectory>().ToList();
        return removed.Count == 0
            ? Task.CompletedTask
            : steps.RunAsync("remove staging", async (_, _) =>
            {
                foreach (var directory in removed)
                {
                    await scratch.RemoveAsync(target, root, directory);
                }
            }, CancellationToken.None, () => StepPlan.Of([.. removed.Select(d => scratch.RemovePlan(target, d))]));
    }
}
