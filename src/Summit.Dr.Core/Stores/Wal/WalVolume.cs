using System.Formats.Tar;
using System.Globalization;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Steps;

namespace Summit.Dr.Stores.Wal;

/// <summary>
/// Where the archiver writes when the Docker engine cannot see the backup root (a remote engine, or summit-dr in
/// a container): a named volume on the engine's host, `summit-dr-wal-POSTGRES`, one directory per branch.
/// <see cref="Sync"/> brings it into the archive in the backup root (which every other command reads):
/// each file whose name is a WAL segment, a `.partial` or a history file (anything else the volume holds is an
/// input and ignored), written beside its place and renamed in with the volume's modification time; then the
/// complete segments the archive now holds are removed from the volume, so it holds only what is not yet synced.
/// </summary>
public sealed class WalVolume(DockerCli docker, StepRunner steps, ScriptRunner scripts, ILogger<WalVolume> logger)
{
    /// <summary>The archiver's label naming its volume (absent: it writes through a bind mount).</summary>
    public const string Label = "summit-dr.wal.volume";

    public static string NameFor(string postgres) => "summit-dr-wal-" + postgres;

    public static string MountArgument(string volume, bool readOnly = false) =>
        new VolumeMount(volume, WalArchiver.MountPoint, readOnly).Argument;

    /// <summary>The branch's directory inside the volume, as the archiver and the one-offs see it.</summary>
    public static string DirectoryOf(WalBranch branch) => WalArchiver.MountPoint + "/" + branch.Name;

    /// <summary>The branch's directory, made as root (a new volume is root's) and given to the archiver's user.</summary>
    public ProcessSpec PrepareSpec(string postgres, string image, WalBranch branch)
    {
        var (uid, gid) = UnixOwners.Current;
        return docker.Spec(["run", "--rm", "--network", "none", "--user", "0", "--mount", MountArgument(NameFor(postgres)), image,
            "install", "-d", "-m", "0700", "-o", uid.ToString(CultureInfo.InvariantCulture), "-g",
                gid.ToString(CultureInfo.InvariantCulture), DirectoryOf(branch)]);
    }

    /// <summary>The branch's directory as a tar stream on stdout, read-only.</summary>
    public ProcessSpec ReadSpec(string postgres, string image, WalBranch branch) =>
        docker.Spec(["run", "--rm", "--network", "none", "--user", UnixOwners.DockerUser, "--mount",
            MountArgument(NameFor(postgres), readOnly: true), image,
            "tar", "-c", "-f", "-", "-C", DirectoryOf(branch), "."]);

    private ProcessSpec TrimSpec(string postgres, string image, WalBranch branch, IEnumerable<string> names) =>
        docker.Spec(["run", "--rm", "--network", "none", "--user", UnixOwners.DockerUser, "--mount", MountArgument(NameFor(postgres)),
            image,
            "rm", "-f", "--", .. names.Select(n => DirectoryOf(branch) + "/" + n)]);

    public Script Prepare(string postgres, string image, WalBranch branch) =>
        Script.Run(PrepareSpec(postgres, image, branch), $"Could not prepare the WAL volume {NameFor(postgres)}");

    /// <summary>
    /// When the archiver of <paramref name="postgres"/> writes into the volume, a step that syncs its branch into
    /// the archive (the caller holds the backup root's lock); nothing when it writes through a bind mount or is absent.
    /// </summary>
    /// <param name="known">The archiver as it was before it was removed (what it wrote until then is synced); else it is asked.</param>
    /// <returns>Whether there was a volume to sync.</returns>
    public async Task<bool> SyncStepAsync(string postgres, WalArchive archive, ContainerInfo? known, CancellationToken cancellationToken)
    {
        var archiver = known ?? await docker.InspectAsync(WalArchiver.NameFor(postgres), cancellationToken);
        if (BranchOf(archiver, archive) is not { } branch)
        {
            return false;
        }

        await steps.RunAsync("sync wal volume", () => Sync(postgres, archiver!.Image, branch, archive.PathOf(branch)), cancellationToken);
        return true;
    }

    /// <summary>
    /// What an archiver that is being replaced wrote into the volume since the last sync, synced after it went (its
    /// branch may not be streamed again). A failure is said, not thrown: the files stay in the volume for the next sync of that branch.
    /// </summary>
    public async Task SyncLeftAsync(ContainerInfo? previous, string postgres, WalArchive archive, CancellationToken cancellationToken)
    {
        if (BranchOf(previous, archive) is not { } branch)
        {
            return;
        }

        try
        {
            await scripts.RunAsync(Sync(postgres, previous!.Image, branch, archive.PathOf(branch)), cancellationToken);
        }
        catch (OperationFailedException ex)
        {
            logger.LogWarning("What the archiver wrote into {Volume} for {Branch} before it was replaced stays there: " +
                "{Error}", NameFor(postgres), branch.Name, ex.Message);
        }
    }

    /// <summary>The branch an archiver that writes into the volume streams, as the archive knows it; null for one that does not.</summary>
    private static WalBranch? BranchOf(ContainerInfo? archiver, WalArchive archive) =>
        archiver is null || !archiver.Labels.ContainsKey(Label) ? null
            : archive.Branches().LastOrDefault(b => b.Name == archiver.Labels.GetValueOrDefault(WalArchiver.BranchLabel));

    /// <summary>
    /// The volume's files of <paramref name="branch"/> into <paramref name="directory"/> (the step reports how many, and
    /// their bytes); then the complete ones out of the volume.
    /// </summary>
    public Script Sync(string postgres, string image, WalBranch branch, string directory)
    {
        IReadOnlyList<string> complete = [];
        const string Complete = "<complete segments>";
        return Script.Of(
            new RunCommand(ReadSpec(postgres, image, branch), Judges.Accept)
            {
                Note = $"into {directory} (a dry run plans from the archive as last synced)",
                Through = async (spec, run, context) =>
                {
                    var files = await ReceiveThroughAsync(spec, run, postgres, directory, branch, context.CancellationToken);
                    complete = [.. files.Where(f => WalFileName.Parse(f.Name, branch.SegmentSize) is { Partial: false }).Select(
                        f => DirectoryOf(branch) + "/" + f.Name)];
                    context.Step.Report(files.Sum(f => f.Bytes), $"{files.Count} files of {branch.Name} from volume {NameFor(postgres)}");
                },
            },
            new RunCommand(TrimSpec(postgres, image, branch, [Complete]), (trim, _) =>
            {
                if (!trim.Succeeded)
                {
                    // Synced all the same: the next sync finds them complete and in place, and trims them then.
                    logger.LogWarning("The WAL volume {Volume} keeps {Count} synced segments ({Error}); the next sync removes " +
                        "them", NameFor(postgres), complete.Count, trim.ErrorSummary);
                }

                return Task.CompletedTask;
            })
            {
                Note = "the complete segments it now holds, once flushed into the archive",
                Through = async (spec, run, _) =>
                {
                    if (complete.Count > 0)
                    {
                        // Each was flushed before its rename; the directory too, before the volume's copy goes.
                        DirectorySync.Flush(directory);
                        await run(spec with { Arguments = [.. spec.Arguments.Where(a => !a.EndsWith(Complete, StringComparison.Ordinal)),
                            .. complete] });
                    }
                },
            });
    }

    /// <summary>The read's tar stream received into <paramref name="directory"/>; what it took.</summary>
    private async Task<IReadOnlyList<(string Name, long Bytes)>> ReceiveThroughAsync(
        ProcessSpec spec, Func<ProcessSpec, Task<ProcessResult>> run, string postgres, string directory, WalBranch branch,
            CancellationToken cancellationToken)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 512 << 10));
        var receiving = Task.Run(async () =>
        {
            try
            {
                var received = await ReceiveAsync(pipe.Reader.AsStream(leaveOpen: true), directory, branch.SegmentSize, cancellationToken);
                await pipe.Reader.CompleteAsync();
                return received;
            }
            catch (Exception ex)
            {
                await pipe.Reader.CompleteAsync(ex);
                throw;
            }
        }, cancellationToken);
        ProcessResult read;
        await using (var output = pipe.Writer.AsStream(leaveOpen: true))
        {
            try
            {
                read = await run(spec with { StandardOutput = output });
            }
            catch (Exception ex)
            {
                await pipe.Writer.CompleteAsync(ex);
                await ((Task)receiving).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                throw;
            }
        }

        await pipe.Writer.CompleteAsync();
        // tar exits 1 when a file changed or went while it read it: pg_receivewal writes its .partial all the time and
        // renames it once complete. What it did send is whole (a complete segment is never written again, a torn
        // .partial is taken again at the next sync); anything else, or nothing sent, is a failure.
        IReadOnlyList<(string Name, long Bytes)>? files = null;
        try
        {
            files = await receiving;
        }
        catch (Exception) when (!read.Succeeded)
        {
            // tar's own failure, below, says why the stream broke off.
        }

        if (!read.Succeeded && !(read.ExitCode == 1 && files is { Count: > 0 }))
        {
            throw new OperationFailedException($"Could not read the WAL volume {NameFor(postgres)}: {read.ErrorSummary}. `summit-dr wal " +
                $"start` syncs it again.");
        }

        if (!read.Succeeded)
        {
            logger.LogDebug("tar in the WAL volume {Volume} read a file that changed or went meanwhile ({Error}); the next sync takes it " +
                "again", NameFor(postgres), read.ErrorSummary);
        }

        RemoveCompletedPartials(directory);
        return files!;
    }

    /// <summary>
    /// A tar stream of the volume's branch directory into <paramref name="directory"/>: only top-level regular files
    /// named as WAL segments, partial segments or history files, and a complete segment only at the segment size.
    /// What the archive holds already is never replaced (a complete segment or a history file is final once
    /// written), only a `.partial`, which grows.
    /// </summary>
    /// <returns>What the archive now holds of the stream: the names taken, with the bytes written (0: already there).</returns>
    public static async Task<IReadOnlyList<(string Name, long Bytes)>> ReceiveAsync(
        Stream tar, string directory, long segmentSize, CancellationToken cancellationToken)
    {
        var received = new List<(string Name, long Bytes)>();
        await using (var reader = new TarReader(tar, leaveOpen: true))
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                var wal = WalFileName.Parse(name, segmentSize);
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                    || name.Contains('/', StringComparison.Ordinal)
                    || (wal is null && WalFileName.ParseHistory(name) is null)
                        || (wal is { Partial: false } && entry.Length != segmentSize))
                {
                    continue;
                }

                var path = Path.Combine(directory, name);
                if (wal is not { Partial: true } && File.Exists(path))
                {
                    received.Add((name, 0));
                    continue;
                }

                await SafeFiles.WriteAtomicallyAsync(path, async file =>
                {
                    if (entry.DataStream is { } data)
                    {
                        await data.CopyToAsync(file, cancellationToken);
                    }

                    await file.FlushAsync(cancellationToken);
                    File.SetLastWriteTimeUtc(((FileStream)file).SafeFileHandle, entry.ModificationTime.UtcDateTime);
                });
                received.Add((name, entry.Length));
            }
        }

        return received;
    }

    /// <summary>A `.partial` whose complete segment the archive holds has been completed since, and goes.</summary>
    public static void RemoveCompletedPartials(string directory)
    {
        foreach (var partial in Directory.EnumerateFiles(directory, "*" + WalFileName.PartialSuffix))
        {
            if (File.Exists(partial[..^WalFileName.PartialSuffix.Length]))
            {
                File.Delete(partial);
            }
        }
    }
}
