using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Steps;

namespace Summit.Dr.Stores.Wal;

/// <summary>
/// The archiver container: `pg_receivewal` from the live PostgreSQL container's own image, in that container's
/// network namespace (it reaches the server on 127.0.0.1 and needs no port, even under `--network none`),
/// writing into its stream's directory of the archive through the replication slot. It runs as summit-dr's
/// own user, so the archive is summit-dr's to read, prune and push. `--no-loop`: it exits when the server goes
/// away, and the engine (restart policy) or the next `summit-dr wal start` starts it again in the server's new
/// namespace; the slot keeps every segment for it meanwhile.
/// </summary>
public sealed class WalArchiver(
    DockerCli docker, WalServer server, WalVolume volume, ScriptRunner scripts, IOptions<SummitDrOptions> options, TimeProvider time,
    ILogger<WalArchiver> logger)
{
    public const string Label = "summit-dr.wal";
    public const string BranchLabel = "summit-dr.wal.branch";
    public const string MountPoint = "/summit-dr-wal";

    /// <summary>
    /// How often the archiver tells the server how far it has written (pg_receivewal's default is 10 s): the
    /// server's view of the archive, and so the lag summit-dr reports, is at most this old.
    /// </summary>
    public const int StatusIntervalSeconds = 1;

    private static readonly TimeSpan StreamingTimeout = TimeSpan.FromSeconds(30);

    private readonly SummitDrOptions _options = options.Value;

    public static string NameFor(string postgres) => "summit-dr-wal-" + postgres;

    public static string ProbeNameFor(string postgres) => "summit-dr-wal-probe-" + postgres;

    private bool HasPassword => !string.IsNullOrEmpty(_options.Postgres.Password);

    /// <summary>
    /// `docker run -d` of the archiver for <paramref name="branch"/>: into <paramref name="directory"/> through a bind
    /// mount, or into its directory in <see cref="WalVolume"/> (<paramref name="inVolume"/>).
    /// </summary>
    public ProcessSpec RunSpec(ContainerInfo postgres, WalBranch branch, string directory, bool inVolume = false)
    {
        var args = new List<string>
        {
            "run", "-d", "--name", NameFor(postgres.Name), "--network", "container:" + postgres.Name, "--restart", "unless-stopped",
            "--label", $"{Label}={postgres.Name}", "--label", $"{BranchLabel}={branch.Name}",
            "--user", UnixOwners.DockerUser,
        };
        args.AddRange(inVolume
            ? ["--label", $"{WalVolume.Label}={WalVolume.NameFor(postgres.Name)}", "--mount",
                WalVolume.MountArgument(WalVolume.NameFor(postgres.Name))]
            : ["--mount", new BindMount(directory, MountPoint).Argument]);
        if (HasPassword)
        {
            args.AddRange(WalPassfile.RunArgs(directory, postgres.Name, branch, inVolume));
        }

        args.AddRange(
            [postgres.Image, "pg_receivewal", "-h", "127.0.0.1", "-U", _options.Postgres.User, "-D",
                inVolume ? WalVolume.DirectoryOf(branch) : MountPoint,
            "--slot", WalServer.SlotName, "--no-loop", "--no-password", "--verbose",
            "--status-interval", StatusIntervalSeconds.ToString(CultureInfo.InvariantCulture)]);
        if (_options.Pitr.Synchronous)
        {
            args.Add("--synchronous");
        }

        return docker.Spec(args);
    }

    /// <summary>
    /// A replication connection from the archiver's place (a one-off in the server's network namespace):
    /// `IDENTIFY_SYSTEM` answers `systemid, timeline, position, dbname` when pg_hba.conf lets the role replicate from loopback.
    /// </summary>
    public ProcessSpec ProbeSpec(ContainerInfo postgres)
    {
        var args = new List<string> { "run", "--rm", "--name", ProbeNameFor(postgres.Name), "--network", "container:" + postgres.Name };
        if (HasPassword)
        {
            args.AddRange(["-e", "PGPASSWORD"]);
        }

        args.AddRange([postgres.Image, "psql", "-X", "-A", "-t", "-F", "\t", "-w",
            $"host=127.0.0.1 user={_options.Postgres.User} dbname={_options.Postgres.Database} replication=true", "-c", "IDENTIFY_SYSTEM"]);
        return WithPassword(docker.Spec(args));
    }

    /// <summary>
    /// IDENTIFY_SYSTEM over a replication connection from 127.0.0.1, as the archiver will connect (a probe left by a run
    /// that was killed goes first); refuses (exit 3, one line naming the change) when the server does not let it replicate.
    /// </summary>
    public Script Probe(ContainerInfo postgres) =>
        Script.Of(
            new RunCommand(
                docker.Spec(DockerArgs.RemoveForce(ProbeNameFor(postgres.Name))), Judges.Removed(docker, ProbeNameFor(postgres.Name))),
            new RunCommand(ProbeSpec(postgres), (result, _) =>
            {
                var user = _options.Postgres.User;
                return result.Succeeded
                    ? Task.CompletedTask
                    : throw new PreconditionException(
                        $"PostgreSQL in '{postgres.Name}' refuses a replication connection from 127.0.0.1 as '{user}' " +
                            $"({result.ErrorSummary}): " +
                        $"add `host replication {user} 127.0.0.1/32 trust` (or scram-sha-256 with Postgres:Password) to its pg_hba.conf " +
                            $"and reload it. Nothing was set up.");
            }) { Note = "IDENTIFY_SYSTEM over a replication connection from 127.0.0.1, as the archiver will connect" });

    public Task<ContainerInfo?> InspectAsync(string postgres, CancellationToken cancellationToken) =>
        docker.InspectAsync(NameFor(postgres), cancellationToken);

    public ProcessSpec StartSpec(string postgres) => docker.Spec(DockerArgs.Start(NameFor(postgres)));

    /// <summary>
    /// Removes the archiver with the anonymous volume the image's `VOLUME /var/lib/postgresql/data` gave it (unused:
    /// it would be left behind at every restart of the archiver); the named WAL volume stays.
    /// </summary>
    public ProcessSpec RemoveSpec(string postgres) => docker.Spec(DockerArgs.RemoveForce(NameFor(postgres), anonymousVolumes: true));

    /// <summary>Removes the archiver, if there is one.</summary>
    public Script Remove(string postgres) => Script.Of(new RunCommand(RemoveSpec(postgres), Judges.Removed(docker, NameFor(postgres))));

    /// <summary><see cref="Remove"/> outside any step.</summary>
    public Task RemoveAsync(string postgres, CancellationToken cancellationToken) => scripts.RunAsync(Remove(postgres), cancellationToken);

    /// <summary>Whether the engine sees <paramref name="directory"/> as this machine does: its branch.json, read through a bind mount, has
    /// the same bytes.</summary>
    public ProcessSpec SeesSpec(ContainerInfo postgres, string directory) =>
        docker.Spec(["run", "--rm", "--network", "none", "--user", UnixOwners.DockerUser, "--mount",
            new BindMount(directory, MountPoint, ReadOnly: true).Argument, postgres.Image,
            "cat", MountPoint + "/" + WalBranch.MetadataFile]);

    /// <summary>
    /// A new archiver for <paramref name="branch"/> (recorded as activated now), in place of any earlier one, by
    /// Pitr:Archive: through a bind mount of the branch's directory, or into the WAL volume, synced; `auto` asks the
    /// engine whether it sees the directory. Hands over whether it writes into the volume.
    /// </summary>
    /// <param name="previous">The earlier one as the caller inspected it: what it wrote into the volume since the last sync is synced once
    /// it is gone.</param>
    public Script Replace(ContainerInfo postgres, WalBranch branch, WalArchive archive, ContainerInfo? previous, Action<bool> started)
    {
        var directory = archive.PathOf(branch);
        var sees = false;
        var replaced = Script.InProcess($"activate {branch.Name} in {archive.Directory}", () => archive.Activate(branch, time.GetUtcNow()))
            .Then(new RunCommand(RemoveSpec(postgres.Name), Judges.Removed(docker, NameFor(postgres.Name))))
            .Then(previous?.Labels.ContainsKey(WalVolume.Label) == true
                ? Script.InProcess("what the earlier archiver left in the WAL volume, synced into the " +
                    "archive", token => volume.SyncLeftAsync(previous, postgres.Name, archive, token))
                : Script.Empty);
        var mounted = Passfile(postgres, branch, directory, inVolume: false).Then(Run(postgres, branch, directory, inVolume: false)).Then(
            Script.Do(() => started(false)));
        var inVolume = volume.Prepare(postgres.Name, postgres.Image, branch)
            .Then(Passfile(postgres, branch, directory, inVolume: true))
            .Then(Run(postgres, branch, directory, inVolume: true))
            .Then(Script.Say($"pg_receivewal into volume {WalVolume.NameFor(postgres.Name)}, synced into {directory}"))
            .Then(Script.Do(() => started(true)));
        return Place switch
        {
            WalArchivePlace.Volume => replaced.Then(inVolume),
            WalArchivePlace.BindMount => replaced.Then(mounted),
            _ => replaced
                .Then(new RunCommand(SeesSpec(postgres, directory), async (seen, context) =>
                {
                    sees = seen.Succeeded
                        && seen.StandardOutput.Trim() == (
                            await File.ReadAllTextAsync(Path.Combine(directory, WalBranch.MetadataFile), context.CancellationToken)).Trim();
                    if (!sees)
                    {
                        logger.LogInformation("The Docker engine does not see {Directory} (a remote engine, or summit-dr in a " +
                            "container): the archiver writes into volume {Volume}, synced into the " +
                                "archive", directory, WalVolume.NameFor(postgres.Name));
                    }
                }) { Note = "does the engine see the archive's directory as this machine does?" })
                .Then(Script.Either(() => sees, mounted, inVolume, planned: true, $"pg_receivewal into {directory}; into volume " +
                    $"{WalVolume.NameFor(postgres.Name)} instead, synced, if the engine does not see it")),
        };
    }

    /// <summary>
    /// Until the slot is active and the first segment is in the branch (each look syncs the volume first, when the archiver
    /// writes there); else the archiver goes and the run fails (exit 3).
    /// </summary>
    public Script WaitStreaming(ContainerInfo postgres, WalBranch branch, WalArchive archive, bool inVolume)
    {
        var lines = string.Empty;
        var where = inVolume ? "volume " + WalVolume.NameFor(postgres.Name) : archive.PathOf(branch);
        return Script.Of(new PollCommand(server.StateSpec(postgres.Name), async (answer, context) =>
            {
                var slot = answer.Succeeded
                    ? WalServer.ParseState(answer.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Slot : null;
                if (inVolume && slot is { Active: true })
                {
                    try
                    {
                        await scripts.RunAsync(
                            volume.Sync(postgres.Name, postgres.Image, branch, archive.PathOf(branch)), context.CancellationToken);
                    }
                    catch (OperationFailedException ex)
                    {
                        // Not yet: the next look syncs again, and the timeout ends it (the archiver removed).
                        logger.LogDebug("Syncing the WAL volume failed while the archiver starts: {Error}", ex.Message);
                    }
                }

                return slot is { Active: true } && archive.Files(branch).Count > 0;
            }, TimeSpan.FromMilliseconds(250), StreamingTimeout, () => new TimeoutException())
            {
                Note = "until the slot is active and the first segment is in the archive",
            })
            .Finally(Script.Empty, onFailure: Script.InProcess("the archiver removed", async _ =>
            {
                lines = await LastLinesAsync(postgres.Name, CancellationToken.None);
                await RemoveAsync(postgres.Name, CancellationToken.None);
            }))
            .Failing(ex => ex is not TimeoutException ? ex : new PreconditionException(
                $"The WAL archiver did not start streaming into {where} within {StreamingTimeout.TotalSeconds:0} s ({lines}). " +
                (inVolume ? string.Empty : "When the Docker engine runs on another host it cannot write there: set Pitr:Archive=auto or " +
                    "volume. ") + "Nothing was left running."));
    }

    /// <summary>The archiver's last lines (pg_receivewal logs to stderr), to say why it stopped.</summary>
    public async Task<string> LastLinesAsync(string postgres, CancellationToken cancellationToken)
    {
        var result = await docker.RunAsync(docker.Spec(["logs", "--tail", "3", NameFor(postgres)]), cancellationToken);
        return string.Join(
            " | ", (result.StandardError + "\n" + result.StandardOutput).Split(
                '\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
    }

    private WalArchivePlace Place => _options.Pitr.Archive;

    /// <summary>The passfile the archiver reads its password from, when there is a password (<see cref="WalPassfile"/>).</summary>
    private Script Passfile(ContainerInfo postgres, WalBranch branch, string directory, bool inVolume)
    {
        if (!HasPassword)
        {
            return Script.Empty;
        }

        var content = WalPassfile.Content(_options.Postgres.User, _options.Postgres.Password!);
        if (!inVolume)
        {
            var path = WalPassfile.HostPath(directory, postgres.Name);
            return Script.InProcess($"write {path}, 0600", () => SafeFiles.WriteAtomically(path, s => s.Write(content)));
        }

        var failure = $"Could not write the archiver's passfile into the WAL volume {WalVolume.NameFor(postgres.Name)}";
        var specs = WalPassfile.VolumeSpecs(docker, postgres.Name, postgres.Image, branch);
        return Script.Of(
            new RunCommand(specs[0], Judges.Require(failure)) { Note = "< the password, as libpq's " +
                "passfile", Through = (spec, run, _) => run(spec with { StandardInput = new MemoryStream(content) }) },
            new RunCommand(specs[1], Judges.Require(failure)));
    }

    private Script Run(ContainerInfo postgres, WalBranch branch, string directory, bool inVolume) =>
        Script.Run(RunSpec(postgres, branch, directory, inVolume), $"Could not start the WAL archiver {NameFor(postgres.Name)}");

    /// <summary>A one-off's password (removed with it, `--rm`): in the docker CLI's environment, named only in its arguments.</summary>
    private ProcessSpec WithPassword(ProcessSpec spec) =>
        HasPassword ? spec with { Environment = new Dictionary<string, string> { ["PGPASSWORD"] = _options.Postgres.Password! } } : spec;
}
