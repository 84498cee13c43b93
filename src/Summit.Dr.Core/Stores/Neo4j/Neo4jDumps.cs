using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Steps;

namespace Summit.Dr.Stores.Neo4j;

/// <summary>neo4j-admin's dump, load and read of a Neo4j database, in a workbench beside the server.</summary>
public sealed class Neo4jDumps
{
    /// <summary>The directory, inside a backup's work directory, that the dump one-off writes into.</summary>
    public const string DumpDirectoryName = "neo4j-dump.tmp";

    /// <summary>The file whose size and time tell whether the engine sees the dump directory.</summary>
    private const string ProbeName = ".summit-dr-probe";

    private readonly DockerCli _docker;
    private readonly Neo4jOptions _options;
    private readonly Neo4jQueries _queries;
    private readonly TimeProvider _time;
    private readonly ILogger<Neo4jDumps> _logger;

    public Neo4jDumps(DockerCli docker, IOptions<SummitDrOptions> options, Neo4jQueries queries, TimeProvider time, ILogger<Neo4jDumps> logger)
    {
        _docker = docker;
        _options = options.Value.Neo4j;
        _queries = queries;
        _time = time;
        _logger = logger;
    }

    private Neo4jDumpTransfer Transfer => _options.DumpTransfer;

    /// <summary>
    /// Whether the dump goes through a bind-mounted directory (else it is streamed): not when asked to stream,
    /// and not when the directory cannot be given to the user neo4j-admin runs as (it stays private, 0700, never
    /// world-writable; only root can give it away).
    /// </summary>
    private bool MountsDump(Neo4jTarget target, bool stream) => !stream && Transfer != Neo4jDumpTransfer.Stream && DumpOwner(target) is not null && UnixOwners.IsRoot;

    /// <summary>Who neo4j-admin writes as: uid 7474 of the official image's `neo4j` user, or the server's numeric user; null for a name only the image knows.</summary>
    internal static (uint Uid, uint Gid)? DumpOwner(Neo4jTarget target)
    {
        var owner = Neo4jOneOffs.StoreOwner(target.Container);
        if (owner == "neo4j")
        {
            return (7474, 7474);
        }

        var parts = owner.Split(':');
        return uint.TryParse(parts[0], out var uid) ? (uid, parts.Length > 1 && uint.TryParse(parts[1], out var gid) ? gid : uid) : null;
    }

    /// <summary>What <see cref="StartDumpWorkbenchAsync"/> runs.</summary>
    public StepPlan DumpWorkbenchPlan(Neo4jTarget target, string directory, bool stream) => MountsDump(target, stream)
        ? Neo4jWorkbench.StartPlan(_docker, target, new BindMount(directory, Neo4jWorkbench.MountPoint), $"{Neo4jWorkbench.MountPoint}/{ProbeName}")
        : Neo4jWorkbench.StartPlan(_docker, target, null, null);

    /// <summary>
    /// A workbench for a dump: the backup directory <paramref name="directory"/> (created here, writable by
    /// whoever neo4j-admin runs as) is bind-mounted unless Neo4j:DumpTransfer says stream; whether the engine
    /// sees it is probed. Started while Neo4j still runs. <paramref name="stream"/> asks for the dump on standard
    /// output whatever the setting: an encrypted backup never writes the plaintext dump to a file.
    /// </summary>
    public async Task<Neo4jWorkbench> StartDumpWorkbenchAsync(Neo4jTarget target, string directory, CancellationToken cancellationToken, bool stream = false)
    {
        if (!MountsDump(target, stream))
        {
            if (!stream && Transfer == Neo4jDumpTransfer.BindMount)
            {
                throw new PreconditionException($"Neo4j:DumpTransfer is bind-mount, but summit-dr cannot give the dump directory to the user neo4j-admin writes as ({Neo4jOneOffs.StoreOwner(target.Container)}): that takes root. Run as root, or set Neo4j:DumpTransfer to auto or stream.");
            }

            return await StartAsync(target, null, null, cancellationToken);
        }

        // neo4j-admin writes here as uid 7474 (or the server's user): the directory is that user's, 0700.
        PrivateFiles.CreateDirectory(directory);
        var (uid, gid) = DumpOwner(target)!.Value;
        UnixOwners.TryChange(directory, uid, gid);

        var probe = Path.Combine(directory, ProbeName);
        await File.WriteAllBytesAsync(probe, [], cancellationToken);
        try
        {
            var bench = await StartAsync(target, new BindMount(directory, Neo4jWorkbench.MountPoint), (probe, $"{Neo4jWorkbench.MountPoint}/{ProbeName}"), cancellationToken);
            if (!bench.SeesMount && Transfer == Neo4jDumpTransfer.BindMount)
            {
                await bench.DisposeAsync();
                throw new PreconditionException($"Neo4j:DumpTransfer is bind-mount, but the docker engine does not see {directory}. Set Neo4j:DumpTransfer to auto or stream.");
            }

            return bench;
        }
        finally
        {
            File.Delete(probe);
        }
    }

    /// <summary>A workbench with no mount, for a restore's copy and load and for moving stores around in the volume.</summary>
    public Task<Neo4jWorkbench> StartWorkbenchAsync(Neo4jTarget target, CancellationToken cancellationToken) =>
        StartAsync(target, null, null, cancellationToken);

    /// <summary>What <see cref="StartWorkbenchAsync"/> runs.</summary>
    public StepPlan WorkbenchPlan(Neo4jTarget target) => Neo4jWorkbench.StartPlan(_docker, target, null, null);

    /// <summary>A workbench a dry run plans with: nothing is started. <paramref name="seesMount"/> is what a run of a local engine finds.</summary>
    public Neo4jWorkbench Planned(Neo4jTarget target, bool seesMount) => Neo4jWorkbench.Planned(_docker, target, seesMount && Transfer != Neo4jDumpTransfer.Stream, _logger);

    private Task<Neo4jWorkbench> StartAsync(Neo4jTarget target, BindMount? mount, (string, string)? probe, CancellationToken cancellationToken) =>
        Neo4jWorkbench.StartAsync(_docker, target, mount, probe, _queries.StartTimeout, _time, _logger, cancellationToken);

    /// <summary>The neo4j-admin dump a workbench runs: into the mounted directory when the engine sees it, else to standard output.</summary>
    public PlannedCommand DumpCommand(Neo4jWorkbench bench, string directory, string artifact, Neo4jDataDirectory? data = null) => bench.SeesMount
        ? new(_docker.Spec(bench.ExecArgs(On(data, Neo4jCommands.DumpToPath(bench.Target.Database, bench.Target.Syntax, Neo4jWorkbench.MountPoint))))) { Note = $"writes {bench.Target.Database}.dump into {directory}" }
        : new(_docker.Spec(bench.ExecArgs(On(data, Neo4jCommands.DumpToStdout(bench.Target.Database, bench.Target.Syntax))))) { Note = "> " + artifact };

    /// <summary>A neo4j-admin command on the scratch data directory <paramref name="data"/>, or on /data.</summary>
    private static IReadOnlyList<string> On(Neo4jDataDirectory? data, IReadOnlyList<string> command) => data?.Apply(command) ?? command;

    /// <summary>
    /// Dumps the stopped database: into the bind-mounted directory when the engine sees it (returns the file
    /// neo4j-admin wrote there), else to <paramref name="stream"/> (returns null).
    /// </summary>
    public async Task<string?> DumpAsync(Neo4jWorkbench bench, string directory, Stream? stream, CancellationToken cancellationToken, Neo4jDataDirectory? data = null)
    {
        var target = bench.Target;
        var failure = $"neo4j-admin dump of database '{target.Database}' failed";
        if (!bench.SeesMount)
        {
            Require(await bench.ExecAsync(On(data, Neo4jCommands.DumpToStdout(target.Database, target.Syntax)), cancellationToken, output: stream), failure);
            return null;
        }

        Require(await bench.ExecAsync(On(data, Neo4jCommands.DumpToPath(target.Database, target.Syntax, Neo4jWorkbench.MountPoint)), cancellationToken), failure);
        var dump = Path.Combine(directory, target.Database + ".dump");
        return File.Exists(dump)
            ? dump
            : throw new OperationFailedException($"{failure}: it wrote no {Path.GetFileName(dump)} into {directory}. Set Neo4j:DumpTransfer=stream and try again.");
    }

    /// <summary>The `load --info` a workbench runs, or none where the image has no such command (4.4).</summary>
    public StepPlan InfoPlan(Neo4jWorkbench bench, string artifact)
    {
        var target = bench.Target;
        return (bench.SeesMount ? Neo4jCommands.InfoFromPath(target.Database, target.Syntax, Neo4jWorkbench.MountPoint) : Neo4jCommands.InfoFromStdin(target.Database, target.Syntax)) is { } command
            ? StepPlan.Of(new PlannedCommand(_docker.Spec(bench.ExecArgs(command, interactive: !bench.SeesMount))) { Note = bench.SeesMount ? "reads the dump's header" : "< " + artifact + "; reads its header" })
            : StepPlan.Note("4.4 has no load --info: the dump is checked for bytes only");
    }

    /// <summary>
    /// Asks neo4j-admin to read the dump without loading it (5.x `load --info`): the mounted file when the
    /// engine sees it, else <paramref name="dump"/> streamed in. Returns its report, or null where the image has no
    /// such command (4.4). Throws <see cref="IntegrityException"/> when neo4j-admin cannot read it.
    /// </summary>
    public async Task<string?> ReadDumpInfoAsync(Neo4jWorkbench bench, Func<Stream> dump, string file, CancellationToken cancellationToken)
    {
        var target = bench.Target;
        var command = bench.SeesMount
            ? Neo4jCommands.InfoFromPath(target.Database, target.Syntax, Neo4jWorkbench.MountPoint)
            : Neo4jCommands.InfoFromStdin(target.Database, target.Syntax);
        if (command is null)
        {
            return null;
        }

        ProcessResult result;
        if (bench.SeesMount)
        {
            result = await bench.ExecAsync(command, cancellationToken);
        }
        else
        {
            await using var input = dump();
            result = await bench.ExecAsync(command, cancellationToken, input: input);
        }

        return result.Succeeded
            ? result.StandardOutput.Trim()
            : throw new IntegrityException($"neo4j-admin cannot read {file}: {result.ErrorSummary}");
    }

    /// <summary>For `check`, which needs no server: a one-off with /data on tmpfs reads the dump fed to it.</summary>
    public async Task<string?> ReadDumpInfoAsync(Neo4jTarget target, Stream dump, string file, CancellationToken cancellationToken)
    {
        if (Neo4jCommands.InfoFromStdin(target.Database, target.Syntax) is not { } command)
        {
            return null;
        }

        var oneOff = Neo4jOneOffs.Info(target, command);
        try
        {
            var result = await _docker.RunAsync(_docker.Spec(DockerArgs.RunOneOff(oneOff)) with { StandardInput = dump }, cancellationToken);
            return result.Succeeded
                ? string.Join('\n', result.StandardOutput.Split('\n').Where(l => !l.StartsWith("Warning:", StringComparison.Ordinal))).Trim()
                : throw new IntegrityException($"neo4j-admin cannot read {file}: {result.ErrorSummary}");
        }
        finally
        {
            await Neo4jWorkbench.RemoveQuietlyAsync(_docker, oneOff.Name, _logger);
        }
    }

    internal static void Require(ProcessResult result, string failure)
    {
        if (result.Succeeded)
        {
            return;
        }

        if (DiskFull.IsIn(result.StandardError))
        {
            throw new DiskFullException($"{failure}: {DiskFull.Message}");
        }

        throw new OperationFailedException($"{failure}: {result.ErrorSummary}");
    }
}
