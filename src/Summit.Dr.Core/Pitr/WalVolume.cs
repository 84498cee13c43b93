using System.Formats.Tar;
using System.Globalization;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Summit.Dr.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Processes;
using Summit.Dr.Steps;

namespace Summit.Dr.Pitr;

/// <summary>
/// Where the archiver writes when the Docker engine cannot see the backup root (a remote engine, or summit-dr in
/// a container): a named volume on the engine's host, `summit-dr-wal-POSTGRES`, one directory per branch.
/// <see cref="SyncAsync"/> brings it into the archive in the backup root (which every other command reads):
/// each file whose name is a WAL segment, a `.partial` or a history file (anything else the volume holds is an
/// input and ignored), written beside its place and renamed in with the volume's modification time; then the
/// complete segments the archive now holds are removed from the volume, so it holds only what is not yet synced.
/// </summary>
public sealed class WalVolume(DockerCli docker, StepRunner steps, ILogger<WalVolume> logger)
{
    /// <summary>The archiver's label naming its volume (absent: it writes through a bind mount).</summary>
    public const string Label = "summit-dr.wal.volume";

    public static string NameFor(string postgres) => "summit-dr-wal-" + postgres;

    public static string MountArgument(string volume, bool readOnly = false) =>
        $"type=volume,source={volume},target={WalArchiver.MountPoint}" + (readOnly ? ",readonly" : string.Empty);

    /// <summary>The branch's directory inside the volume, as the archiver and the one-offs see it.</summary>
    public static string DirectoryOf(WalBranch branch) => WalArchiver.MountPoint + "/" + branch.Name;


    /// <summary>The branch's directory, made as root (a new volume is root's) and given to the archiver's user.</summary>
    public ProcessSpec PrepareSpec(string postgres, string image, WalBranch branch)
    {
        var (uid, gid) = UnixOwners.Current;
        return docker.Spec(["run", "--rm", "--network", "none", "--user", "0", "--mount", MountArgument(NameFor(postgres)), image,
            "install", "-d", "-m", "0700", "-o", uid.ToString(CultureInfo.InvariantCulture), "-g", gid.ToString(CultureInfo.InvariantCulture), DirectoryOf(branch)]);
    }

    /// <summary>The branch's directory as a tar stream on stdout, read-only.</summary>
    public ProcessSpec ReadSpec(string postgres, string image, WalBranch branch) =>
        docker.Spec(["run", "--rm", "--network", "none", "--user", UnixOwners.DockerUser, "--mount", MountArgument(NameFor(postgres), readOnly: true), image,
            "tar", "-c", "-f", "-", "-C", DirectoryOf(branch), "."]);

    public ProcessSpec TrimSpec(string postgres, string image, WalBranch branch, IEnumerable<string> names) =>
        docker.Spec(["run", "--rm", "--network", "none", "--user", UnixOwners.DockerUser, "--mount", MountArgument(NameFor(postgres)), image,
            "rm", "-f", "--", .. names.Select(n => DirectoryOf(branch) + "/" + n)]);

    public async Task PrepareAsync(string postgres, string image, WalBranch branch, CancellationToken cancellationToken)
    {
        var result = await docker.RunAsync(PrepareSpec(postgres, image, branch), cancellationToken);
        if (!result.Succeeded)
        {
            throw new OperationFailedException($"Could not prepare the WAL volume {NameFor(postgres)}: {result.ErrorSummary}");
        }
    }

    /// <summary>
    /// When the archiver of <paramref name="postgres"/> writes into the volume, a step that syncs its branch into
    /// the archive (the caller holds the backup root's lock); nothing when it writes through a bind mount or is absent.
    /// </summary>
    public async Task SyncStepAsync(string postgres, WalArchive archive, CancellationToken cancellationToken)
    {
        var archiver = await docker.InspectAsync(WalArchiver.NameFor(postgres), cancellationToken);
        if (archiver is null || !archiver.Labels.ContainsKey(Label)
            || archive.Branches().LastOrDefault(b => b.Name == archiver.Labels.GetValueOrDefault(WalArchiver.BranchLabel)) is not { } branch)
        {
            return;
        }

        var directory = archive.PathOf(branch);
        await steps.RunAsync("sync wal volume", async (step, token) =>
        {
            var (files, bytes) = await SyncAsync(postgres, archiver.Image, branch, directory, token);
            step.Report(bytes, $"{files} files of {branch.Name} from volume {NameFor(postgres)}");
        }, cancellationToken, () => StepPlan.Of(ReadSpec(postgres, archiver.Image, branch))
            .Then(StepPlan.Note($"into {directory}; then the complete segments it now holds are removed from the volume")));
    }

    /// <summary>The volume's files of <paramref name="branch"/> into <paramref name="directory"/>; then the complete ones out of the volume.</summary>
    /// <returns>The files received, and their bytes.</returns>
    public async Task<(int Files, long Bytes)> SyncAsync(string postgres, string image, WalBranch branch, string directory, CancellationToken cancellationToken)
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
                read = await docker.RunAsync(ReadSpec(postgres, image, branch) with { StandardOutput = output }, cancellationToken);
            }
            catch (Exception ex)
            {
                await pipe.Writer.CompleteAsync(ex);
                await ((Task)receiving).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                throw;
            }
        }

        await pipe.Writer.CompleteAsync();
        var files = await receiving;
        if (!read.Succeeded)
        {
            throw new OperationFailedException($"Could not read the WAL volume {NameFor(postgres)}: {read.ErrorSummary}. `summit-dr wal start` syncs it again.");
        }

        RemoveCompletedPartials(directory, files.Select(f => f.Name));
        var complete = files.Where(f => WalFileName.Parse(f.Name, branch.SegmentSize) is { Partial: false }).Select(f => f.Name).ToList();
        if (complete.Count > 0)
        {
            var trim = await docker.RunAsync(TrimSpec(postgres, image, branch, complete), cancellationToken);
            if (!trim.Succeeded)
            {
                // Synced all the same: the next sync finds them complete and in place, and trims them then.
                logger.LogWarning("The WAL volume {Volume} keeps {Count} synced segments ({Error}); the next sync removes them", NameFor(postgres), complete.Count, trim.ErrorSummary);
            }
        }

        return (files.Count, files.Sum(f => f.Bytes));
    }

    /// <summary>
    /// A tar stream of the volume's branch directory into <paramref name="directory"/>: only top-level regular files
    /// named as WAL segments, partial segments or history files. A complete segment already there with the same size
    /// is left as it is.
    /// </summary>
    public static async Task<IReadOnlyList<(string Name, long Bytes)>> ReceiveAsync(Stream tar, string directory, long segmentSize, CancellationToken cancellationToken)
    {
        var received = new List<(string Name, long Bytes)>();
        await using (var reader = new TarReader(tar, leaveOpen: true))
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                var wal = WalFileName.Parse(name, segmentSize);
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || name.Contains('/', StringComparison.Ordinal)
                    || (wal is null && WalFileName.ParseHistory(name) is null) || entry.DataStream is null)
                {
                    continue;
                }

                var path = Path.Combine(directory, name);
                if (wal is { Partial: false } && File.Exists(path) && new FileInfo(path).Length == entry.Length)
                {
                    received.Add((name, 0));
                    continue;
                }

                var temporary = path + ".sync";
                await using (var file = PrivateFiles.Replace(temporary))
                {
                    await entry.DataStream.CopyToAsync(file, cancellationToken);
                    file.Flush(flushToDisk: true);
                }

                File.SetLastWriteTimeUtc(temporary, entry.ModificationTime.UtcDateTime);
                File.Move(temporary, path, overwrite: true);
                received.Add((name, entry.Length));
            }
        }

        return received;
    }

    /// <summary>After a whole read of the volume: a `.partial` it no longer holds has been completed since, and goes.</summary>
    public static void RemoveCompletedPartials(string directory, IEnumerable<string> inVolume)
    {
        var held = inVolume.ToHashSet(StringComparer.Ordinal);
        foreach (var stale in Directory.EnumerateFiles(directory, "*" + WalFileName.PartialSuffix).Where(p => !held.Contains(Path.GetFileName(p))))
        {
            File.Delete(stale);
        }
    }
}
