using System.Text;
using System.Text.RegularExpressions;
using Moq;
using Summit.Dr.Engine.Processes;

namespace Summit.Dr.Tests.Support;

/// <summary>
/// A docker CLI played by Moq at the process seam: it answers the commands a backup or restore runs like a
/// healthy platform would, keeps the state a test looks at (the containers, PostgreSQL's databases, what is in
/// Neo4j's volume), records every call, and lets a test replace any answer to inject a failure.
/// </summary>
internal sealed partial class FakeDocker
{
    public const string Bench = "summit-dr-admin-neo4j";

    public const string SafetyBench = "summit-dr-safety-neo4j";

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

    /// <summary>A restore of PostgreSQL into a database (not the `--list` check).</summary>
    public static bool IsPgRestore(ProcessSpec s) => s.Arguments.Contains("pg_restore") && s.Arguments.Contains("-d");

    public static bool IsPgDump(ProcessSpec s) => s.Arguments.Contains("pg_dump");

    /// <summary>A psql session reading statements from its standard input, as the row count beside pg_dump runs one.</summary>
    public static bool IsSession(ProcessSpec s) =>
        s.Arguments.Contains("psql") && !s.Arguments.Contains("-c") && s.StandardInput is not null;

    /// <summary>The exact row counts a session reports for the fake database.</summary>
    public Dictionary<string, long> RowCounts { get; } = new(StringComparer.Ordinal) { ["public.tenants"] = 3, ["public.users"] = 1000 };

    private async Task<ProcessResult> SessionAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(spec.StandardInput!);
        async Task Say(string text) => await spec.StandardOutput!.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Contains("pg_export_snapshot", StringComparison.Ordinal))
            {
                await Say("snapshot\t00000003-0000001B-1\n");
            }
            else if (line.StartsWith("SELECT 'rows'", StringComparison.Ordinal))
            {
                await Say(string.Concat(RowCounts.Select(r => $"rows\t{r.Key}\t{r.Value}\n")));
            }
            else if (line.Contains("'counted'", StringComparison.Ordinal))
            {
                await Say("counted\n");
            }
        }

        return Result();
    }

    public static bool IsRename(ProcessSpec s) =>
        s.Arguments.Contains("psql") && s.Arguments.Any(a => a.Contains(" RENAME TO ", StringComparison.Ordinal));

    public static bool IsStart(ProcessSpec s) => s.Arguments[0] == "start";

    public static bool IsStop(ProcessSpec s) => s.Arguments[0] == "stop";

    public static bool IsBenchStart(ProcessSpec s) => s.Arguments[0] == "run" && s.Arguments.Contains("-d");

    /// <summary>A command run in the workbench container beside Neo4j.</summary>
    public static bool InBench(ProcessSpec s) => s.Arguments[0] == "exec" && BenchOf(s.Arguments) is not null;

    /// <summary>The workbench an `exec` runs in: a restore's, or the one of the safety backup it takes.</summary>
    public static string? BenchOf(IReadOnlyList<string> args) => args.FirstOrDefault(a => a is Bench or SafetyBench);

    /// <summary>neo4j-admin run in the workbench, or in a one-off.</summary>
    public static bool IsAdmin(ProcessSpec s) => (InBench(s) || s.Arguments[0] == "run") && s.Arguments.Contains("neo4j-admin");

    /// <summary>The host path of a `--mount type=bind,source=...` of a `docker run`, or null.</summary>
    public static string? BindSource(IReadOnlyList<string> args) =>
        ValueOf(args, "--mount")?.Split(',').FirstOrDefault(f => f.StartsWith("source=", StringComparison.Ordinal))?["source=".Length..];

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
                return Containers.TryGetValue(args[^1], out var container)
                    ? Result(stdout: container.InspectJson())
                    : Result(1, stdout: "[]\n", stderr: $"Error: No such container: {args[^1]}");
            case "stop":
                Containers[args[^1]].Running = false;
                return Result(stdout: args[^1]);
            case "start":
                Containers[args[^1]].Running = true;
                return Result(stdout: args[^1]);
            case "rm":
                // As docker does: `rm --force` of a container that is gone succeeds.
                return Containers.Remove(args[^1]) || args.Contains("--force") ? Result(stdout: args[^1])
                    : Result(1, stderr: $"Error response from daemon: No such container: {args[^1]}");
            case "ps":
                var filters = args.Select((a, i) => (a, i)).Where(p => p.a == "--filter").Select(
                    p => args[p.i + 1]["label=".Length..]).ToList();
                return Result(stdout: string.Join('\n', Containers.Values
                    .Where(c => filters.All(f => c.Labels.TryGetValue(f[..f.IndexOf('=')], out var v) && v == f[(f.IndexOf('=') + 1)..]))
                    .Select(c => c.Name)));
            case "run" when args.Contains("-d"):
                return StartBench(args);
            case "run" when args.Contains("du"):
                return Result(stdout: "2048\t/data/databases/neo4j\n");
            case "run" when args.Contains("--info"):
                await spec.StandardInput!.CopyToAsync(Stream.Null, cancellationToken);
                return Result(stdout: "Database: neo4j\n");
            case "exec" when InBench(spec):
                return await InBenchAsync(spec, cancellationToken);
            case "exec" when args.Contains("dd"):
                return await WriteFileAsync(spec, Target(args), cancellationToken);
            case "exec" when args.Contains("stat"):
                return Result(stdout: "999:999\n");
            case "exec" when args.Contains("rm") && args.Contains("-f"):
                lock (_state)
                {
                    Files.Remove($"{Target(args)}:{args[^1]}");
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
            case "exec" when args.Contains("psql") && !args.Contains("-c") && spec.StandardInput is not null:
                return await SessionAsync(spec, cancellationToken);
            case "exec" when args.Contains("pg_dump"):
                await spec.StandardOutput!.WriteAsync(PostgresDump, cancellationToken);
                return Result();
            case "exec" when args.Contains("pg_isready"):
                return Result(stdout: "127.0.0.1:5432 - accepting connections\n");
            case "exec" when args.Contains("createdb"):
                lock (_state)
                {
                    return Databases.Add(args[^1]) ? Result() : Result(1, stderr: $"createdb: error: database creation failed: ERROR:  " +
                        $"database \"{args[^1]}\" already exists");
                }

            case "exec" when args.Contains("dropdb"):
                lock (_state)
                {
                    Databases.Remove(args[^1]);
                }

                return Result();
            case "exec" when args.Contains("pg_restore") && spec.StandardInput is null && !HasFile(Target(args), args[^1]):
                return Result(1, stderr: $"pg_restore: error: could not open input file \"{args[^1]}\": No such file or directory");
            case "exec" when args.Contains("pg_restore") && args.Contains("--list"):
                if (spec.StandardInput is { } listed)
                {
                    await listed.CopyToAsync(Stream.Null, cancellationToken);
                }

                return Result(stdout: ";\n; Archive created\n;\n215; 1259 16385 TABLE public users intelgraph\n3380; 0 16385 TABLE DATA " +
                    "public users intelgraph\n");
            case "exec" when args.Contains("pg_restore"):
                if (spec.StandardInput is { } restored)
                {
                    await restored.CopyToAsync(Stream.Null, cancellationToken);
                }

                return Result();
            case "exec" when IsRename(spec):
                return Rename(args);
            case "exec" when args.Contains("psql") && args.Contains("SELECT datname FROM pg_database ORDER BY 1"):
                lock (_state)
                {
                    return Result(stdout: string.Join('\n', Databases.Order(StringComparer.Ordinal)) + "\n");
                }

            case "exec" when args.Contains("psql"):
                return Result(stdout: "15.18\n8192000\npublic.users\t1000\npublic.tenants\t3\n");
            case "exec" when args.Contains("cypher-shell"):
                var target = args[Array.IndexOf(args.ToArray(), "NEO4J_PASSWORD") + 1];
                if (!Containers[target].Running)
                {
                    return Result(1, stderr: $"Error response from daemon: container {target} is not running");
                }

                return Result(stdout: $"count(n)\n{NodeCount}\n");
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
            return Files.ContainsKey($"{container}:{path}");
        }
    }

    /// <summary>`dd of=PATH`: what came on standard input becomes the file.</summary>
    private async Task<ProcessResult> WriteFileAsync(ProcessSpec spec, string container, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        await spec.StandardInput!.CopyToAsync(copy, cancellationToken);
        var path = spec.Arguments.Single(a => a.StartsWith("of=", StringComparison.Ordinal))["of=".Length..];
        lock (_state)
        {
            Files[$"{container}:{path}"] = copy.ToArray();
        }

        return Result(stderr: $"{copy.Length} bytes copied\n");
    }

    /// <summary>`ALTER DATABASE "a" RENAME TO "b"` statements, applied all or nothing as the one transaction they are.</summary>
    private ProcessResult Rename(IReadOnlyList<string> args)
    {
        var renames = args.SelectMany(a => RenameStatement().Matches(a)).Select(
            m => (From: m.Groups[1].Value, To: m.Groups[2].Value)).ToList();
        lock (_state)
        {
            foreach (var from in renames.Select(r => r.From).Where(f => !renames.Any(r => r.To == f)))
            {
                if (!Databases.Contains(from))
                {
                    // psql with VERBOSITY=verbose, as the rename runs it: the SQLSTATE, then where the server raised it.
                    return Result(1, stderr: $"psql:<command-line>:1: ERROR:  3D000: database \"{from}\" does not exist\nLOCATION:  " +
                        $"get_db_info, dbcommands.c:1712\n");
                }
            }

            foreach (var (from, _) in renames)
            {
                Databases.Remove(from);
            }

            foreach (var (_, to) in renames)
            {
                Databases.Add(to);
            }
        }

        return Result();
    }

    [GeneratedRegex("ALTER DATABASE \"([^\"]+)\" RENAME TO \"([^\"]+)\"")]
    private static partial Regex RenameStatement();
}
