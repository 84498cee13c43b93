using Summit.Dr.Backup;
using Summit.Dr.Encryption;
using Summit.Dr.Manifest;
using Summit.Dr.Neo4j;
using Summit.Dr.Steps;

namespace Summit.Dr.Restore;

/// <summary>
/// A restore's Neo4j before the swap, touching nothing live: the workbench neo4j-admin loads in, the dump
/// checked, and (load-then-swap) the dump loaded into a staging directory of Neo4j's own volume while Neo4j
/// serves, so the swap only stops it for two renames. Where the volume lacks the room the load waits for the
/// swap, in place, as before.
/// </summary>
public sealed class Neo4jPreparation(Neo4jDumps dumps, Neo4jScratch scratch, ArtifactEncryption encryption, StepRunner steps)
{
    /// <summary>A dump is compressed: without the backup's own measure, a store of four times its size is assumed.</summary>
    private const int DumpExpansion = 4;

    /// <summary>The container neo4j-admin loads in, with the dump mounted when the engine sees it.</summary>
    public Task<Neo4jWorkbench> StartBenchAsync(Neo4jTarget target, OpenedBackup opened, CancellationToken cancellationToken)
    {
        var dump = ArtifactEncryption.ReadablePath(opened, BackupComponent.Neo4j);
        return steps.RunAsync(
            "neo4j workbench",
            (_, t) => dumps.StartLoadWorkbenchAsync(target, dump, t),
            cancellationToken,
            () => dumps.LoadWorkbenchPlan(target, dump),
            dry: () => dumps.Planned(target, seesMount: dumps.MountsLoad(target, dump)));
    }

    /// <summary>
    /// The checksum, read here. neo4j-admin reads the dump's header too (`load --info`, in the container that
    /// will load it) unless the manifest vouches for it: a dump whose SHA-256 matches is the very dump
    /// neo4j-admin read back when the backup was made, and with the same Neo4j version in place, reading it
    /// again proves nothing more. A backup without a manifest, or from another version, is read.
    /// </summary>
    public Task VerifyAsync(Neo4jWorkbench bench, OpenedBackup opened, CancellationToken cancellationToken)
    {
        var path = Path.Combine(opened.Directory, BackupLayout.Neo4jFile);
        var vouched = opened.Manifest?.Neo4j is { Artifact: not null, Source.ServerVersion: { } made } && made == bench.Target.Version;
        return steps.RunAsync($"check {BackupLayout.Neo4jFile}", async (step, token) =>
        {
            var artifact = BackupVerifier.RequirePresent(opened, BackupComponent.Neo4j);
            var info = vouched ? Task.FromResult<string?>(null) : dumps.ReadDumpInfoAsync(bench, () => encryption.Open(opened, BackupComponent.Neo4j), BackupLayout.Neo4jFile, token);
            if (artifact is not null)
            {
                // For an encrypted dump the read to the end also proves the key and the integrity check.
                await using var dump = encryption.OpenHashing(opened, BackupComponent.Neo4j);
                BackupVerifier.RequireChecksum(artifact, await dump.FinishAsync(token));
            }

            var report = await info;
            step.Report(detail: vouched
                ? $"SHA-256 matches the dump neo4j-admin {bench.Target.Version} read back when it was made"
                : report is null ? "non-empty (4.4 has no load --info)" : "neo4j-admin load --info read its header");
        }, cancellationToken, () => (vouched ? StepPlan.None : dumps.InfoPlan(bench, path)).With($"in process: size and SHA-256 of {path} against the manifest"));
    }

    /// <summary>
    /// Loads the verified dump into a staging directory while Neo4j serves, when Neo4j runs and its volume has
    /// the room for the store the backup recorded (or, from an older backup, the larger of the live store and
    /// four times the dump). The directory is removed whatever happens, by <see cref="PreparedRestore"/>.
    /// </summary>
    public async Task StageAsync(PreparedRestore prepared, OpenedBackup opened, string root, CancellationToken cancellationToken)
    {
        var bench = prepared.Bench!;
        var target = bench.Target;
        var path = Path.Combine(opened.Directory, BackupLayout.Neo4jFile);
        var dumpBytes = File.Exists(path) ? new FileInfo(path).Length : 0;
        var id = Path.GetFileName(prepared.State.Neo4j!.Kept)[Path.GetFileName(Neo4jStoreLayout.KeptPrefix).Length..];
        var choice = await scratch.ChooseAsync(
            target, Neo4jScratchKinds.Staging, id, live => opened.Manifest?.Neo4j.StoreBytes ?? (live is { } bytes ? Math.Max(bytes, dumpBytes * DumpExpansion) : null), cancellationToken);
        if (choice.Directory is not { } data)
        {
            return;
        }

        prepared.RemoveStaging = () => steps.RunAsync("remove staging", (_, _) => scratch.RemoveAsync(target, root, data), CancellationToken.None, () => StepPlan.Of(scratch.RemovePlan(target, data)));
        await steps.RunAsync("neo4j load (staging)", async (_, token) =>
        {
            await scratch.CreateAsync(bench, root, data, token);
            await dumps.LoadAsync(bench, () => encryption.Open(opened, BackupComponent.Neo4j), token, data);
        }, cancellationToken, () => scratch.CreatePlan(bench, data).Then(dumps.LoadCommand(bench, path, data)));
        prepared.Staging = data;
    }
}
