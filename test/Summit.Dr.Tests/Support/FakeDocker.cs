using System.Text;
using Moq;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Stores.Neo4j;

namespace Summit.Dr.Tests.Support;

/// <summary>
/// A docker CLI played by Moq at the process seam: it answers the commands a backup or restore runs like a
/// healthy platform would, keeps the state a test looks at (the containers, PostgreSQL's databases, what is in
/// Neo4j's volume), records every call, and lets a test replace any answer to inject a failure.
/// </summary>
internal sealed partial class FakeDocker
{
    /// <summary>The restore's workbench: its name carries the run, this test process.</summary>
    public static readonly string Bench = "summit-dr-admin-neo4j-" + Environment.ProcessId;

    public static readonly string SafetyBench = "summit-dr-safety-neo4j-" + Environment.ProcessId;

    private readonly List<ProcessSpec> _calls = [];
    private readonly List<(
        Func<ProcessSpec, bool> Match, Func<ProcessSpec, CancellationToken, Task<ProcessResult>> Respond)> _overrides = [];
    private readonly object _state = new();

    public FakeDocker()
    {
        Runner = new Mock<IProcessRunner>(MockBehavior.Strict);
        Runner.Setup(r => r.RunAsync(It.IsAny<ProcessSpec>(), It.IsAny<CancellationToken>()))
            .Returns<ProcessSpec, CancellationToken>(RespondAsync);
    }

    public Mock<IProcessRunner> Runner { get; }

    public Dictionary<string, FakeContainer> Containers { get; } = new()
    {
        ["postgres"] = new FakeContainer(
            "postgres", "postgres:16-alpine", true, ["POSTGRES_USER=intelgraph", "POSTGRES_DB=intelgraph_dev"]),
        ["neo4j"] = new FakeContainer(
            "neo4j", "neo4j:5.24.0-community", true, ["NEO4J_AUTH=neo4j/s3cret-Pa55", "NEO4J_TARBALL=neo4j-community-5.24.0-unix.tar.gz"]),
    };

    /// <summary>PostgreSQL's databases, by name.</summary>
    public HashSet<string> Databases { get; } = ["postgres", "intelgraph_dev"];

    /// <summary>Files written into containers (`dd of=PATH`), by `container:path`, with their bytes.</summary>
    public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>The paths in Neo4j's /data volume that hold a store or its transaction logs.</summary>
    public HashSet<string> Volume { get; } = ["/data/databases/neo4j", "/data/transactions/neo4j"];

    public byte[] PostgresDump { get; set; } = Encoding.ASCII.GetBytes("PGDMP fake custom-format dump");

    public byte[] Neo4jDump { get; set; } = Encoding.ASCII.GetBytes("neo4j fake dump bytes");

    public long NodeCount { get; set; } = 42;

    /// <summary>What the relationship count answers.</summary>
    public long RelationshipCount { get; set; } = 7;

    /// <summary>Whether the engine sees this machine's disk (a local engine): bind mounts reach the backup directory.</summary>
    public bool EngineSeesHost { get; set; } = true;

    public IReadOnlyList<ProcessSpec> Calls
    {
        get
        {
            lock (_calls)
            {
                return _calls.ToList();
            }
        }
    }

    /// <summary>The calls as `docker ...` argument lines, for order assertions.</summary>
    public IReadOnlyList<string> Lines => Calls.Select(c => string.Join(' ', c.Arguments)).ToList();

    /// <summary>Forgets the calls so far, so a test can assert on what its act step ran.</summary>
    public void ClearCalls()
    {
        lock (_calls)
        {
            _calls.Clear();
        }
    }

    public void When(Func<ProcessSpec, bool> match, Func<ProcessSpec, CancellationToken, Task<ProcessResult>> respond) =>
        _overrides.Insert(0, (match, respond));

    public void When(Func<ProcessSpec, bool> match, int exitCode, string stderr) =>
        When(match, (_, _) => Task.FromResult(Result(exitCode, stderr: stderr)));

    public int IndexOf(Func<string, bool> match)
    {
        var lines = Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            if (match(lines[i]))
            {
                return i;
            }
        }

        return -1;
    }

    public static bool IsNeo4jDump(ProcessSpec s) => IsAdmin(s) && s.Arguments.Contains("dump");

    public static bool IsNeo4jInfo(ProcessSpec s) => (IsAdmin(s) || s.Arguments[0] == "run") && s.Arguments.Contains("--info");

    public static bool IsNeo4jLoad(ProcessSpec s) => IsAdmin(s) && s.Arguments.Contains("load") && !s.Arguments.Contains("--info");

    public static bool IsStart(ProcessSpec s) => s.Arguments[0] == "start";

    public static bool IsStop(ProcessSpec s) => s.Arguments[0] == "stop";

    public static bool IsBenchStart(ProcessSpec s) => s.Arguments[0] == "run" && s.Arguments.Contains("-d");

    /// <summary>A command run in the workbench container beside Neo4j.</summary>
    public static bool InBench(ProcessSpec s) => s.Arguments[0] == "exec" && BenchOf(s.Arguments) is not null;

    /// <summary>The workbench an `exec` runs in: a restore's, or the one of the safety backup it takes.</summary>
    public static string? BenchOf(IReadOnlyList<string> args) => args.FirstOrDefault(a => a == Bench || a == SafetyBench);

    /// <summary>neo4j-admin run in the workbench, or in a one-off.</summary>
    public static bool IsAdmin(ProcessSpec s) => (InBench(s) || s.Arguments[0] == "run") && s.Arguments.Contains("neo4j-admin");

    /// <summary>The host path of a `--mount type=bind,source=...` of a `docker run`, or null.</summary>
    public static string? BindSource(IReadOnlyList<string> args) =>
        ValueOf(args, "--mount")?.Split(',').FirstOrDefault(f => f.StartsWith("source=", StringComparison.Ordinal))?["source=".Length..];

    /// <summary>As docker does: the containers it knows, in one array; exit 1 (and `[]` when it knows none) if one is missing.</summary>
    private ProcessResult Inspect(IReadOnlyList<string> names)
    {
        var known = names.Where(Containers.ContainsKey).Select(n => Containers[n]).ToList();
        var missing = names.Where(n => !Containers.ContainsKey(n)).ToList();
        return Result(missing.Count == 0 ? 0 : 1, known.Count == 0 ? "[]\n" : FakeContainer.InspectJson(known),
            string.Concat(missing.Select(n => $"Error: No such container: {n}\n")));
    }

    public static ProcessResult Result(int exitCode = 0, string stdout = "", string stderr = "") =>
        new(exitCode, stdout, stderr, TimeSpan.FromMilliseconds(1));

    private static string? ValueOf(IReadOnlyList<string> args, string option)
    {
        var index = args.ToList().IndexOf(option);
        return index >= 0 && index + 1 < args.Count ? args[index + 1] : null;
    }

    private async Task<ProcessResult> RespondAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        lock (_calls)
        {
            _calls.Add(spec);
        }

        cancellationToken.ThrowIfCancellationRequested();
        foreach (var (match, respond) in _overrides)
        {
            if (match(spec))
            {
                return await respond(spec, cancellationToken);
            }
        }

        var args = spec.Arguments;
        switch (args[0])
        {
            case "inspect":
                return Inspect(args.SkipWhile(a => a != "container").Skip(1).DefaultIfEmpty(args[^1]).ToList());
            case "stop":
                Containers[args[^1]].Running = false;
                return Result(stdout: args[^1]);
            case "start":
                Containers[args[^1]].Running = true;
                return Result(stdout: args[^1]);
            case "rm":
                // As docker does: by name or id; `rm --force` of a container that is gone succeeds.
                return Containers.Remove(Containers.Values.FirstOrDefault(c => c.Id == args[^1])?.Name ?? args[^1])
                    || args.Contains("--force") ? Result(stdout: args[^1])
                    : Result(1, stderr: $"Error response from daemon: No such container: {args[^1]}");
            case "ps":
                var filters = args.Select((a, i) => (a, i)).Where(p => p.a == "--filter").Select(
                    p => args[p.i + 1]["label=".Length..]).ToList();
                return Result(stdout: string.Join('\n', Containers.Values.Where(c => filters.All(f => f.Split('=', 2) is var kv
                    && c.Labels.TryGetValue(kv[0], out var v) && (kv.Length == 1 || v == kv[1]))).Select(c => c.Name)));
            case "run" when args.Contains("-d"):
                return StartBench(args);
            case "create":
                return CreateLock(args);
            case "run" when args.Contains("du"):
                return Result(stdout: "2048\t/data/databases/neo4j\n");
            case "run" when args.Contains("--info"):
                await spec.StandardInput!.CopyToAsync(Stream.Null, cancellationToken);
                return Result(stdout: "Database: neo4j\n");
            case "exec" when InBench(spec):
                return await InBenchAsync(spec, cancellationToken);
            case "exec" when args.Contains("dd"):
                return await WriteFileAsync(spec, Target(args), cancellationToken);
            case "exec" when args.Contains("mkdir"):
                return Result();
            case "exec" when args.Contains("stat"):
                return Result(stdout: "999:999\n");
            case "exec" when args.Contains("rm") && args.Contains("-f"):
                lock (_state)
                {
                    Files.Remove(FileKey(Target(args), args[^1]));
                }

                return Result();
            case "exec" when args.Contains("du"):
                return Result(stdout: "2048\t/data/databases/neo4j\n");
            case "exec" when args.Contains("df"):
                return Result(stdout: $"Filesystem 1024-blocks Used Available Capacity Mounted on\noverlay 104857600 0 " +
                    $"{Neo4jVolumeFreeKiB} 1% /data\n");
            case "exec" when args.Contains("rm") && args.Contains("-rf"):
                lock (_state)
                {
                    Volume.RemoveWhere(p => p.StartsWith(args[^1] + "/", StringComparison.Ordinal));
                    foreach (var file in Files.Keys.Where(
                        k => k[(k.IndexOf(':') + 1)..].StartsWith(args[^1] + "/", StringComparison.Ordinal)).ToList())
                    {
                        Files.Remove(file);
                    }
                }

                return Result();
            case "exec" when IsPostgresTool(args):
                return await PostgresAsync(spec, args, cancellationToken);
            case "exec" when args.Contains("cypher-shell"):
                var target = args[Array.IndexOf(args.ToArray(), "NEO4J_PASSWORD") + 1];
                if (!Containers[target].Running)
                {
                    return Result(1, stderr: $"Error response from daemon: container {target} is not running");
                }

                return args[^1] == Neo4jCommands.CountNodesAndRelationships
                    ? Result(stdout: $"nodes, relationships\n{NodeCount}, {RelationshipCount}\n")
                    : Result(stdout: $"count(n)\n{NodeCount}\n");
            default:
                throw new InvalidOperationException($"FakeDocker has no answer for: docker {string.Join(' ', args)}");
        }
    }

    /// <summary>The container an `exec` runs in: the argument after its options.</summary>
    private static string Target(IReadOnlyList<string> args)
    {
        for (var i = 1; i < args.Count; i++)
        {
            if (args[i] is "--user" or "-u" or "-e")
            {
                i++;
            }
            else if (!args[i].StartsWith('-'))
            {
                return args[i];
            }
        }

        throw new InvalidOperationException("an exec without a container");
    }

    public bool HasFile(string container, string path)
    {
        lock (_state)
        {
            return Files.ContainsKey(FileKey(container, path));
        }
    }

    /// <summary>A file by `container:path`; a workbench's /data is the volume of the server it shares them with.</summary>
    public string FileKey(string container, string path) =>
        path.StartsWith("/data/", StringComparison.Ordinal) && Containers.TryGetValue(container, out var bench)
            && bench.VolumesFrom is { } server ? $"{server}:{path}" : $"{container}:{path}";

    /// <summary>`dd of=PATH`: what came on standard input becomes the file.</summary>
    private async Task<ProcessResult> WriteFileAsync(ProcessSpec spec, string container, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        await spec.StandardInput!.CopyToAsync(copy, cancellationToken);
        var path = spec.Arguments.Single(a => a.StartsWith("of=", StringComparison.Ordinal))["of=".Length..];
        lock (_state)
        {
            Files[FileKey(container, path)] = copy.ToArray();
        }

        return Result(stderr: $"{copy.Length} bytes copied\n");
    }
}
