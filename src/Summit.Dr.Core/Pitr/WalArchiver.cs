using System.Globalization;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Processes;
using Summit.Dr.Steps;

namespace Summit.Dr.Pitr;

/// <summary>
/// The archiver container: `pg_receivewal` from the live PostgreSQL container's own image, in that container's
/// network namespace (it reaches the server on 127.0.0.1 and needs no port, even under `--network none`),
/// writing into its stream's directory of the archive through the replication slot. It runs as summit-dr's
/// own user, so the archive is summit-dr's to read, prune and push. `--no-loop`: it exits when the server goes
/// away, and the engine (restart policy) or the next `summit-dr wal start` starts it again in the server's new
/// namespace; the slot keeps every segment for it meanwhile.
/// </summary>
public sealed class WalArchiver(DockerCli docker, WalServer server, IOptions<SummitDrOptions> options, TimeProvider time)
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

    /// <summary>`docker run -d` of the archiver for <paramref name="stream"/>.</summary>
    public ProcessSpec RunSpec(ContainerInfo postgres, WalBranch branch, string directory)
    {
        var (uid, gid) = UnixOwners.Current;
        var args = new List<string>
        {
            "run", "-d", "--name", NameFor(postgres.Name), "--network", "container:" + postgres.Name, "--restart", "unless-stopped",
            "--label", $"{Label}={postgres.Name}", "--label", $"{BranchLabel}={branch.Name}",
            "--user", string.Create(CultureInfo.InvariantCulture, $"{uid}:{gid}"),
            "--mount", new BindMount(directory, MountPoint).Argument,
        };
        if (HasPassword)
        {
            args.AddRange(["-e", "PGPASSWORD"]);
        }

        args.AddRange([postgres.Image, "pg_receivewal", "-h", "127.0.0.1", "-U", _options.Postgres.User, "-D", MountPoint,
            "--slot", WalServer.SlotName, "--no-loop", "--no-password", "--verbose",
            "--status-interval", StatusIntervalSeconds.ToString(CultureInfo.InvariantCulture)]);
        if (_options.Pitr.Synchronous)
        {
            args.Add("--synchronous");
        }

        return WithPassword(docker.Spec(args));
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

    /// <summary>A probe left by a run that was killed goes first.</summary>
    public ProcessSpec RemoveProbeSpec(ContainerInfo postgres) => docker.Spec(DockerArgs.RemoveForce(ProbeNameFor(postgres.Name)));

    /// <summary>Refuses (exit 3, one line naming the change) when the server does not let the archiver replicate.</summary>
    public async Task ProbeAsync(ContainerInfo postgres, CancellationToken cancellationToken)
    {
        await docker.RemoveIfPresentAsync(ProbeNameFor(postgres.Name), cancellationToken);
        var result = await docker.RunAsync(ProbeSpec(postgres), cancellationToken);
        if (!result.Succeeded)
        {
            var user = _options.Postgres.User;
            throw new PreconditionException(
                $"PostgreSQL in '{postgres.Name}' refuses a replication connection from 127.0.0.1 as '{user}' ({result.ErrorSummary}): " +
                $"add `host replication {user} 127.0.0.1/32 trust` (or scram-sha-256 with Postgres:Password) to its pg_hba.conf and reload it. Nothing was set up.");
        }
    }

    public Task<ContainerInfo?> InspectAsync(string postgres, CancellationToken cancellationToken) => docker.InspectAsync(NameFor(postgres), cancellationToken);

    public ProcessSpec StartSpec(string postgres) => docker.Spec(DockerArgs.Start(NameFor(postgres)));

    public ProcessSpec RemoveSpec(string postgres) => docker.Spec(DockerArgs.RemoveForce(NameFor(postgres)));

    /// <summary>Removes the archiver, if there is one.</summary>
    public Task RemoveAsync(string postgres, CancellationToken cancellationToken) => docker.RemoveIfPresentAsync(NameFor(postgres), cancellationToken);

    /// <summary>A new archiver for <paramref name="branch"/> (recorded as activated now), in place of any earlier one.</summary>
    public async Task ReplaceAsync(ContainerInfo postgres, WalBranch branch, WalArchive archive, CancellationToken cancellationToken)
    {
        archive.Activate(branch, time.GetUtcNow());
        await RemoveAsync(postgres.Name, cancellationToken);
        var result = await docker.RunAsync(RunSpec(postgres, branch, archive.PathOf(branch)), cancellationToken);
        if (!result.Succeeded)
        {
            throw new OperationFailedException($"Could not start the WAL archiver {NameFor(postgres.Name)}: {result.ErrorSummary}");
        }
    }

    /// <summary>Until the slot is active and the first segment is in the branch; else the archiver goes and the run fails (exit 3).</summary>
    public async Task WaitStreamingAsync(ContainerInfo postgres, WalBranch branch, WalArchive archive, CancellationToken cancellationToken)
    {
        try
        {
            await Poll.UntilAsync(time, TimeSpan.FromMilliseconds(250), StreamingTimeout, async token =>
            {
                var slot = (await server.StateAsync(postgres.Name, token)).Slot;
                return (slot is { Active: true } && archive.Files(branch).Count > 0, true);
            }, () => new TimeoutException(), cancellationToken);
        }
        catch (TimeoutException)
        {
            var lines = await LastLinesAsync(postgres.Name, CancellationToken.None);
            await RemoveAsync(postgres.Name, CancellationToken.None);
            throw new PreconditionException(
                $"The WAL archiver did not start streaming into {archive.PathOf(branch)} within {StreamingTimeout.TotalSeconds:0} s ({lines}). " +
                "When the Docker engine runs on another host it cannot write there: run summit-dr on the engine's host. Nothing was left running.");
        }
    }

    /// <summary>The archiver's last lines (pg_receivewal logs to stderr), to say why it stopped.</summary>
    public async Task<string> LastLinesAsync(string postgres, CancellationToken cancellationToken)
    {
        var result = await docker.RunAsync(docker.Spec(["logs", "--tail", "3", NameFor(postgres)]), cancellationToken);
        return string.Join(" | ", (result.StandardError + "\n" + result.StandardOutput).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
    }

    private ProcessSpec WithPassword(ProcessSpec spec) =>
        HasPassword ? spec with { Environment = new Dictionary<string, string> { ["PGPASSWORD"] = _options.Postgres.Password! } } : spec;
}
