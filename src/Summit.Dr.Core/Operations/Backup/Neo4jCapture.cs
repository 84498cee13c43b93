using Summit.Dr.Archive.Catalog;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Model;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Neo4j;


namespace Summit.Dr.Operations.Backup;

/// <summary>
/// The Neo4j dump of a backup. Its workbench is started and the graph counted while Neo4j still serves; then,
/// snapshot-then-dump, Neo4j is stopped only to copy its store into a scratch directory of its own volume and
/// started again, and the dump runs from the copy while it serves (where the volume lacks the room: stopped,
/// dumped in place and started); then the dump is checked. An encrypted backup streams the dump, so only
/// ciphertext reaches the disk, and neo4j-admin reads the plaintext as it streams past.
/// </summary>
public sealed class Neo4jCapture(
    Neo4jQueries queries, Neo4jDumps dumps, Neo4jStops stops, Neo4jScratch scratch, ArtifactWriter writer, StepRunner steps,
        TimeProvider time)
{
    /// <summary>Starts the container neo4j-admin will dump in, while Neo4j still serves.</summary>
    /// <param name="purpose">What its name says it serves: a safety backup's is not the workbench of the restore that takes it.</param>
    public Task<Neo4jWorkbench> StartWorkbenchAsync(Neo4jTarget target, string work, string purpose, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(work, Neo4jDumps.DumpDirectoryName);
        return steps.RunAsync(
            "neo4j workbench", set =>
                dumps.DumpWorkbench(target, directory, stream: writer.Encrypts, purpose, set),
                dumps.Planned(target, seesMount: !writer.Encrypts, purpose), cancellationToken);
    }

    /// <summary>The node and relationship counts, from a running server; a stopped one is dumped and left stopped.</summary>
    public Task<(long? Nodes, long? Relationships)> CountAsync(Neo4jTarget target, CancellationToken cancellationToken) =>
        !target.Container.Running
            ? Task.FromResult<(long?, long?)>((null, null))
            : steps.AskAsync<(long?, long?)>(
                "neo4j counts",
                (_, token) => queries.CountBothAsync(target, token),
                cancellationToken);

    public async Task<Neo4jComponent> DumpAsync(
        Neo4jWorkbench bench, (long? Nodes, long? Relationships) counts, long? expected, string work,
            CancellationToken cancellationToken)
    {
        var target = bench.Target;
        var choice = await scratch.ChooseAsync(target, Neo4jScratchKinds.Snapshot, ScratchId(work), live => live, cancellationToken);
        var data = choice.Directory;
        try
        {
            Neo4jOffline? offline = null;
            var downtime = data is null ? null
                : await SnapshotAsync(
                    bench, data, copied => offline = new Neo4jOffline("copy", copied.TotalSeconds), cancellationToken);
            var (artifact, inPlace) = await DumpFromAsync(bench, data, expected, work, cancellationToken);
            downtime ??= inPlace;
            offline ??= inPlace?.Duration is { } whole ? new Neo4jOffline("dump", whole.TotalSeconds) : null;
            return new Neo4jComponent(
                ComponentStatus.Captured,
                target.Database,
                artifact,
                new SourceRecord(target.Container.Name, target.Container.Image, target.Version),
                target.Syntax == Neo4jAdminSyntax.V5 ? "5" : "4.4",
                target.Container.Running,
                counts.Nodes,
                downtime?.Duration?.TotalSeconds,
                downtime?.StoppedAt,
                downtime?.StartedAt,
                counts.Relationships)
            {
                StoreBytes = choice.LiveBytes,
                Offline = offline,
            };
        }
        catch when (data is not null)
        {
            // A dump still running in the workbench would go on reading the copy: the workbench goes first.
            await bench.DisposeAsync();
            throw;
        }
        finally
        {
            if (data is not null)
            {
                await steps.RunAsync("remove snapshot", () => scratch.Remove(target, data), CancellationToken.None);
            }
        }
    }

    /// <summary>A scratch directory's name comes from the backup's work directory: the same in a dry run as in the run.</summary>
    private static string ScratchId(string work) =>
        new(Path.GetFileName(Path.TrimEndingDirectorySeparator(work)).TrimStart('.').Select(
            c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '-').ToArray());

    /// <summary>Neo4j stopped only to copy its store into <paramref name="data"/>, then started again; returns its downtime.</summary>
    private Task<Neo4jDowntime?> SnapshotAsync(
        Neo4jWorkbench bench, Neo4jDataDirectory data, Action<TimeSpan> copied, CancellationToken cancellationToken) =>
        steps.RunAsync<Neo4jDowntime?>("neo4j snapshot", set =>
        {
            var (started, copy) = (0L, TimeSpan.Zero);
            Neo4jDowntime? downtime = null;
            var work = Script.Do(() => started = time.GetTimestamp()).Then(Neo4jScratch.Copy(bench, data)).Then(
                Script.Do(() => copy = time.GetElapsedTime(started)));
            return scratch.Create(bench, data)
                .Then(stops.WhileStopped(bench.Target, work, bench, d => downtime = d))
                .Then(Script.Do(step =>
                {
                    copied(copy);
                    step.Report(detail: downtime?.Duration is { } down ? $"Neo4j down {down.TotalSeconds:0.0} s, of which the copy " +
                        $"{copy.TotalSeconds:0.0} s" : $"copied in {copy.TotalSeconds:0.0} s");
                    set(downtime);
                }));
        }, planned: null, cancellationToken);

    /// <summary>
    /// The dump: from the snapshot <paramref name="data"/> while Neo4j serves, or (none) in place while it is down.
    /// Returns the artifact and, in place, the downtime.
    /// </summary>
    private async Task<(ArtifactRecord Artifact, Neo4jDowntime? Downtime)> DumpFromAsync(
        Neo4jWorkbench bench, Neo4jDataDirectory? data, long? expected, string work, CancellationToken cancellationToken)
    {
        var target = bench.Target;
        var directory = Path.Combine(work, Neo4jDumps.DumpDirectoryName);
        var path = Path.Combine(work, BackupLayout.Neo4jFile);
        var startedAt = time.GetUtcNow();
        Neo4jDowntime? downtime = null;
        ArtifactRecord? artifact = null;
        var options = new StepOptions { TracksBytes = true, ExpectedBytes = expected };
        const string name = "neo4j dump";
        Script Offline(Script dump) => data is null ? stops.WhileStopped(target, dump, bench, d => downtime = d) : dump;

        if (!bench.SeesMount && writer.Encrypts)
        {
            // Only ciphertext reaches the disk: neo4j-admin reads the plaintext dump as it streams past.
            (artifact, _) = await ArtifactWriter.VerifyAsync(() => WhileWritten.RunAsync(
                tee => steps.RunAsync<ArtifactRecord>(
                    name, set => Offline(
                        dumps.Dump(bench, directory, path, data, writer.Writing(work, BackupLayout.Neo4jFile, tee, set), _ => { })),
                            planned: null!, options, cancellationToken),
                (dump, token) => steps.RunAsync<string?>("neo4j verify", set => Verify(bench, () => dump, "the dump as it streams " +
                    "past", set), planned: null, token),
                cancellationToken));
        }
        else
        {
            string? written = null;
            var file = Path.Combine(directory, target.Database + ".dump");
            await steps.RunAsync(name, () => Offline(bench.SeesMount
                ? Script.Do(step => step.Track(() => File.Exists(file) ? new FileInfo(file).Length : 0))
                    .Then(dumps.Dump(bench, directory, path, data, output: null, w => written = w))
                    .Then(Script.Do(step => step.Report(new FileInfo(written!).Length)))
                : dumps.Dump(
                    bench, directory, path, data, writer.Writing(work, BackupLayout.Neo4jFile, s => s, a => artifact = a), _ => { })),
                        options, cancellationToken);

            // Neo4j answers again: the dump is checked now, off its downtime. neo4j-admin reads it where it was
            // written while this process checksums it (a streamed dump was hashed as it was written); both reads
            // come from the page cache. Then it takes its place in the backup.
            artifact = await steps.RunAsync<ArtifactRecord>("neo4j verify", set =>
            {
                var source = written ?? path;
                var record = artifact;
                var hashing = record is not null
                    ? Script.Empty
                    : Script.InProcess("while this process computes the dump's SHA-256", async token =>
                    {
                        await using var read = ArtifactFiles.OpenHashing(source);
                        var sha256 = await read.FinishAsync(token);
                        record = new ArtifactRecord(BackupLayout.Neo4jFile, read.BytesRead, sha256, startedAt, time.GetUtcNow());
                    });
                return Script.SideBySide(Verify(bench, () => ArtifactFiles.OpenRead(source), BackupLayout.Neo4jFile, _ => { }), hashing)
                    .Then(Script.InProcess("then the dump takes its place in the backup", () =>
                    {
                        if (written is not null)
                        {
                            // neo4j-admin wrote it as its own user: it becomes this backup's, private as every artifact.
                            File.Move(written, path);
                            Directory.Delete(directory, recursive: true);
                            UnixOwners.TryChange(path, UnixOwners.Current.Uid, UnixOwners.Current.Gid);
                            PrivateFiles.Restrict(path);
                            ArtifactWriter.Durable(path);
                        }

                        set(record!);
                    }));
            }, planned: null!, cancellationToken);
        }

        if (artifact is { Size: 0 })
        {
            throw new OperationFailedException($"{BackupLayout.Neo4jFile} is empty: the neo4j dump produced no bytes. The tool's output " +
                $"is in the run's log, kept beside the backups as {FailedLogs.ForWork(work)}.");
        }

        return (artifact!, downtime);
    }

    /// <summary>Removes the workbench, whatever happened: a command still running in it would hold the store lock.</summary>
    public Task RemoveWorkbenchAsync(Neo4jWorkbench bench) => steps.RunAsync("remove workbench", bench.Remove, CancellationToken.None);

    /// <summary>neo4j-admin reads the dump's header (a backup that does not read back fails, exit 1); the step says what it
    /// proved.</summary>
    private static Script Verify(Neo4jWorkbench bench, Func<Stream> dump, string source, Action<string?> read)
    {
        string? info = null;
        return Neo4jDumps.Info(bench, dump, BackupLayout.Neo4jFile, source, i => info = i)
            .Then(Script.Do(step =>
            {
                step.Report(detail: info is null ? "non-empty (4.4 has no load --info)" : "neo4j-admin load --info read its header");
                read(info);
            }))
            .Failing(ex => ex is IntegrityException or InvalidDataException ? new OperationFailedException($"Verification failed: " +
                $"{ex.Message}", ex) : ex);
    }
}
