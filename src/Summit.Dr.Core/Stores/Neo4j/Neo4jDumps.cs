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
    private readonly ScriptRunner _scripts;
    private readonly ILogger<Neo4jDumps> _logger;

    public Neo4jDumps(
        DockerCli docker, IOptions<SummitDrOptions> options, Neo4jQueries queries, ScriptRunner scripts, ILogger<Neo4jDumps> logger)
    {
        _docker = docker;
        _options = options.Value.Neo4j;
        _queries = queries;
        _scripts = scripts;
        _logger = logger;
    }

    private Neo4jDumpTransfer Transfer => _options.DumpTransfer;

    /// <summary>
    /// Whether the dump goes through a bind-mounted directory (else it is streamed): not when asked to stream,
    /// and not when the directory cannot be given to the user neo4j-admin runs as (it stays private, 0700, never
    /// world-writable; only root can give it away).
    /// </summary>
    private bool MountsDump(Neo4jTarget target, bool stream) =>
        !stream && Transfer != Neo4jDumpTransfer.Stream && DumpOwner(target) is not null && UnixOwners.IsRoot;

    /// <summary>Who neo4j-admin writes as: uid 7474 of the official image's `neo4j` user, or the server's numeric user; null for a name
    /// only the image knows.</summary>
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

    /// <summary>
    /// A workbench for a dump: the backup directory <paramref name="directory"/> (created here, writable by
    /// whoever neo4j-admin runs as) is bind-mounted unless Neo4j:DumpTransfer says stream; whether the engine
    /// sees it is probed. Started while Neo4j still runs. <paramref name="stream"/> asks for the dump on standard
    /// output whatever the setting: an encrypted backup never writes the plaintext dump to a file.
    /// </summary>
    public Script DumpWorkbench(Neo4jTarget target, string directory, bool stream, string purpose, Action<Neo4jWorkbench> started)
    {
        if (!MountsDump(target, stream))
        {
            return !stream && Transfer == Neo4jDumpTransfer.BindMount
                ? throw new PreconditionException($"Neo4j:DumpTransfer is bind-mount, but summit-dr cannot give the dump directory to " +
                    $"the user neo4j-admin writes as ({Neo4jOneOffs.StoreOwner(target.Container)}): that takes root. Run as root, or set " +
                        $"Neo4j:DumpTransfer to auto or stream.")
                : Neo4jWorkbench.Start(_docker, target, null, null, purpose, _queries.StartTimeout, _logger, started);
        }

        var probe = Path.Combine(directory, ProbeName);
        Neo4jWorkbench? bench = null;
        return Script.InProcess($"in process: make {directory}, the user's neo4j-admin writes as, 0700", async token =>
            {
                PrivateFiles.CreateDirectory(directory);
                var (uid, gid) = DumpOwner(target)!.Value;
                UnixOwners.TryChange(directory, uid, gid);
                await File.WriteAllBytesAsync(probe, [], token);
            })
            .Then(Neo4jWorkbench.Start(
                _docker, target, new BindMount(directory, Neo4jWorkbench.MountPoint), (probe, $"{Neo4jWorkbench.MountPoint}/{ProbeName}"),
                purpose, _queries.StartTimeout, _logger, b => bench = b))
            .Then(Script.InProcess("the workbench's mount is what Neo4j:DumpTransfer asks", async _ =>
            {
                if (!bench!.SeesMount && Transfer == Neo4jDumpTransfer.BindMount)
                {
                    await bench.DisposeAsync();
                    throw new PreconditionException($"Neo4j:DumpTransfer is bind-mount, but the docker engine does not see {directory}. " +
                        $"Set Neo4j:DumpTransfer to auto or stream.");
                }

                started(bench);
            }))
            .Finally(Script.InProcess("in process: remove the probe file", () => File.Delete(probe)));
    }

    /// <summary>A workbench with no mount, for a restore's copy and load and for moving stores around in the volume.</summary>
    public Script Workbench(Neo4jTarget target, Action<Neo4jWorkbench> started) =>
        Neo4jWorkbench.Start(_docker, target, null, null, Purposes.Admin, _queries.StartTimeout, _logger, started);

    /// <summary>A workbench with no mount, started outside any step (undo, putting a store back, a drill's scratch server).</summary>
    public async Task<Neo4jWorkbench> StartWorkbenchAsync(Neo4jTarget target, CancellationToken cancellationToken)
    {
        Neo4jWorkbench? bench = null;
        await _scripts.RunAsync(Workbench(target, b => bench = b), cancellationToken);
        return bench!;
    }

    /// <summary>A workbench a dry run plans with: nothing is started. <paramref name="seesMount"/> is what a run of a local engine
    /// finds.</summary>
    public Neo4jWorkbench Planned(Neo4jTarget target, bool seesMount, string purpose = Purposes.Admin) =>
        Neo4jWorkbench.Planned(_docker, target, seesMount && Transfer != Neo4jDumpTransfer.Stream, purpose, _logger);

    /// <summary>A neo4j-admin command on the scratch data directory <paramref name="data"/>, or on /data.</summary>
    private static IReadOnlyList<string> On(Neo4jDataDirectory? data, IReadOnlyList<string> command) => data?.Apply(command) ?? command;

    /// <summary>
    /// Dumps the stopped database (or its snapshot <paramref name="data"/>): into the bind-mounted directory when the
    /// engine sees it (then hands the file neo4j-admin wrote there to <paramref name="written"/>), else to standard
    /// output, which <paramref name="output"/> runs the command with (it attaches where the bytes go).
    /// </summary>
    public Script Dump(
        Neo4jWorkbench bench, string directory, string artifact, Neo4jDataDirectory? data,
            Func<ProcessSpec, Func<ProcessSpec, Task<ProcessResult>>, ScriptContext, Task>? output, Action<string> written)
    {
        var target = bench.Target;
        var failure = $"neo4j-admin dump of database '{target.Database}' failed";
        if (!bench.SeesMount)
        {
            return Script.Of(
                new RunCommand(bench.Exec(On(data, Neo4jCommands.DumpToStdout(target.Database, target.Syntax))), Judges.Require(failure))
            {
                Note = "> " + artifact,
                Through = output ?? throw new ArgumentNullException(nameof(output), "A streamed dump needs a place for its bytes."),
            });
        }

        var dump = Path.Combine(directory, target.Database + ".dump");
        return Script.Of(
            new RunCommand(
                bench.Exec(On(data, Neo4jCommands.DumpToPath(target.Database, target.Syntax, Neo4jWorkbench.MountPoint))),
                Judges.Require(failure))
            {
                Note = $"writes {target.Database}.dump into {directory}",
            })
            .Then(Script.InProcess($"{Path.GetFileName(dump)} is there", () => written(File.Exists(dump)
                ? dump
                : throw new OperationFailedException($"{failure}: it wrote no {Path.GetFileName(dump)} into {directory}. Set " +
                    $"Neo4j:DumpTransfer=stream and try again."))));
    }

    /// <summary>
    /// neo4j-admin reads the dump without loading it (5.x `load --info`): the mounted file when the engine sees it,
    /// else <paramref name="dump"/> streamed in; its report goes to <paramref name="read"/>. An image without such a
    /// command (4.4) reads nothing. Fails with <see cref="IntegrityException"/> when neo4j-admin cannot read it.
    /// </summary>
    public static Script Info(Neo4jWorkbench bench, Func<Stream> dump, string file, string source, Action<string> read)
    {
        var target = bench.Target;
        var command = bench.SeesMount
            ? Neo4jCommands.InfoFromPath(target.Database, target.Syntax, Neo4jWorkbench.MountPoint)
            : Neo4jCommands.InfoFromStdin(target.Database, target.Syntax);
        if (command is null)
        {
            return Script.Say("4.4 has no load --info: the dump is checked for bytes only");
        }

        return Script.Of(new RunCommand(bench.Exec(command, interactive: !bench.SeesMount), (result, _) =>
        {
            read(result.Succeeded ? result.StandardOutput.Trim() : throw new IntegrityException($"neo4j-admin cannot read {file}: " +
                $"{result.ErrorSummary}"));
            return Task.CompletedTask;
        })
        {
            Note = bench.SeesMount ? "reads the dump's header" : "< " + source + "; reads its header",
            Through = bench.SeesMount ? null : async (spec, run, _) =>
            {
                await using var input = dump();
                await run(spec with { StandardInput = input });
            },
        });
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
            var result = await _docker.RunAsync(
                _docker.Spec(DockerArgs.RunOneOff(oneOff)) with { StandardInput = dump }, cancellationToken);
            return result.Succeeded
                ? string.Join(
                    '\n', result.StandardOutput.Split('\n').Where(l => !l.StartsWith("Warning:", StringComparison.Ordinal))).Trim()
                : throw new IntegrityException($"neo4j-admin cannot read {file}: {result.ErrorSummary}");
        }
        finally
        {
            await Neo4jWorkbench.RemoveQuietlyAsync(_docker, oneOff.Name, _logger);
        }
    }
}
