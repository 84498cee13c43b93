using System.Text;
using System.Text.Json;
using Moq;
using Summit.Dr.Processes;

namespace Summit.Dr.Tests.Support;

/// <summary>
/// A docker CLI played by Moq at the process seam: it answers the commands a backup runs like a healthy
/// platform would, records every call, and lets a test replace any answer to inject a failure.
/// </summary>
internal sealed class FakeDocker
{
    private readonly List<ProcessSpec> _calls = [];
    private readonly List<(Func<ProcessSpec, bool> Match, Func<ProcessSpec, CancellationToken, Task<ProcessResult>> Respond)> _overrides = [];

    public FakeDocker()
    {
        Runner = new Mock<IProcessRunner>(MockBehavior.Strict);
        Runner.Setup(r => r.RunAsync(It.IsAny<ProcessSpec>(), It.IsAny<CancellationToken>()))
            .Returns<ProcessSpec, CancellationToken>(RespondAsync);
    }

    public Mock<IProcessRunner> Runner { get; }

    public Dictionary<string, FakeContainer> Containers { get; } = new()
    {
        ["postgres"] = new FakeContainer("postgres", "postgres:16-alpine", true, ["POSTGRES_USER=intelgraph", "POSTGRES_DB=intelgraph_dev"]),
        ["neo4j"] = new FakeContainer("neo4j", "neo4j:5.24.0-community", true, ["NEO4J_AUTH=neo4j/s3cret-Pa55", "NEO4J_TARBALL=neo4j-community-5.24.0-unix.tar.gz"]),
    };

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

    public static bool IsNeo4jDump(ProcessSpec s) => s.Arguments[0] == "run" && s.Arguments.Contains("dump");

    public static bool IsNeo4jInfo(ProcessSpec s) => s.Arguments[0] == "run" && s.Arguments.Contains("--info");

    public static bool IsNeo4jLoad(ProcessSpec s) => s.Arguments[0] == "run" && s.Arguments.Contains("load") && !s.Arguments.Contains("--info");

    public static bool IsPgRestore(ProcessSpec s) => s.Arguments.Contains("pg_restore") && s.Arguments.Contains("-d");

    public static bool IsPgDump(ProcessSpec s) => s.Arguments.Contains("pg_dump");

    public static bool IsStart(ProcessSpec s) => s.Arguments[0] == "start";

    public static bool IsStop(ProcessSpec s) => s.Arguments[0] == "stop";

    public static bool IsProbe(ProcessSpec s) => s.Arguments[0] == "run" && Entrypoint(s.Arguments) == "test";

    /// <summary>The `--entrypoint` of a `docker run`, or null.</summary>
    public static string? Entrypoint(IReadOnlyList<string> args) => ValueOf(args, "--entrypoint");

    /// <summary>The host directory of a `--mount type=bind,source=...` of a `docker run`, or null.</summary>
    public static string? BindSource(IReadOnlyList<string> args) =>
        ValueOf(args, "--mount")?.Split(',').FirstOrDefault(f => f.StartsWith("source=", StringComparison.Ordinal))?["source=".Length..];

    private static string? ValueOf(IReadOnlyList<string> args, string option)
    {
        var index = args.ToList().IndexOf(option);
        return index >= 0 && index + 1 < args.Count ? args[index + 1] : null;
    }

    public static ProcessResult Result(int exitCode = 0, string stdout = "", string stderr = "") =>
        new(exitCode, stdout, stderr, TimeSpan.FromMilliseconds(1));

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
                    : Result(1, stderr: $"Error: No such container: {args[^1]}");
            case "stop":
                Containers[args[^1]].Running = false;
                return Result(stdout: args[^1]);
            case "start":
                Containers[args[^1]].Running = true;
                return Result(stdout: args[^1]);
            case "rm":
                return Result(1, stderr: $"Error response from daemon: No such container: {args[^1]}");
            case "ps":
                var filters = args.Select((a, i) => (a, i)).Where(p => p.a == "--filter").Select(p => args[p.i + 1]["label=".Length..]).ToList();
                return Result(stdout: string.Join('\n', Containers.Values
                    .Where(c => filters.All(f => c.Labels.TryGetValue(f[..f.IndexOf('=')], out var v) && v == f[(f.IndexOf('=') + 1)..]))
                    .Select(c => c.Name)));
            case "exec" when args.Contains("du"):
                return Result(stdout: "2048\t/data/databases/neo4j\n");
            case "run" when Entrypoint(args) == "du":
                return Result(stdout: "2048\t/data/databases/neo4j\n");
            case "run" when Entrypoint(args) == "test":
                return EngineSeesHost && File.Exists(Path.Combine(BindSource(args)!, Path.GetFileName(args[^1])))
                    ? Result()
                    : Result(1);
            case "exec" when args.Contains("pg_dump"):
                await spec.StandardOutput!.WriteAsync(PostgresDump, cancellationToken);
                return Result();
            case "exec" when args.Contains("dropdb") || args.Contains("createdb"):
                return Result();
            case "exec" when args.Contains("pg_restore") && args.Contains("--list"):
                await spec.StandardInput!.CopyToAsync(Stream.Null, cancellationToken);
                return Result(stdout: ";\n; Archive created\n;\n215; 1259 16385 TABLE public users intelgraph\n3380; 0 16385 TABLE DATA public users intelgraph\n");
            case "exec" when args.Contains("pg_restore"):
                await spec.StandardInput!.CopyToAsync(Stream.Null, cancellationToken);
                return Result();
            case "exec" when args.Contains("psql"):
                return Result(stdout: "15.18\n8192000\npublic.users\t1000\npublic.tenants\t3\n");
            case "exec" when args.Contains("cypher-shell"):
                var target = args[Array.IndexOf(args.ToArray(), "NEO4J_PASSWORD") + 1];
                if (!Containers[target].Running)
                {
                    return Result(1, stderr: $"Error response from daemon: container {target} is not running");
                }

                return args[^1].Contains("count", StringComparison.Ordinal) ? Result(stdout: $"count(n)\n{NodeCount}\n") : Result(stdout: "1\n1\n");
            case "run" when args.Contains("load") && !args.Contains("--info"):
                if (Containers.Values.Any(c => c.Name == args[Array.IndexOf(args.ToArray(), "--volumes-from") + 1] && c.Running))
                {
                    return Result(1, stderr: "The database is in use. Stop database 'neo4j' and try again.");
                }

                await spec.StandardInput!.CopyToAsync(Stream.Null, cancellationToken);
                return Result();
            case "run" when args.Contains("--info"):
                await spec.StandardInput!.CopyToAsync(Stream.Null, cancellationToken);
                return Result(stdout: "Database: neo4j\n");
            case "run" when args.Contains("dump") || args.Contains("--to-stdout") || args.Any(a => a.StartsWith("--to=", StringComparison.Ordinal)):
                if (Containers.Values.Any(c => c.Name == args[Array.IndexOf(args.ToArray(), "--volumes-from") + 1] && c.Running))
                {
                    return Result(1, stderr: "The database is in use. Stop database 'neo4j' and try again.");
                }

                if (BindSource(args) is { } directory)
                {
                    // The image's entrypoint may talk on stdout; with a path target that never reaches the dump.
                    await File.WriteAllBytesAsync(Path.Combine(directory, "neo4j.dump"), Neo4jDump, cancellationToken);
                    return Result(stdout: "Warning: Some files inside \"/data\" are not writable from inside container. Changing folder owner to neo4j.\n");
                }

                await spec.StandardOutput!.WriteAsync(Neo4jDump, cancellationToken);
                return Result();
            default:
                throw new InvalidOperationException($"FakeDocker has no answer for: docker {string.Join(' ', args)}");
        }
    }
}

internal sealed class FakeContainer(string name, string image, bool running, string[] environment)
{
    public string Name { get; } = name;

    public string Image { get; set; } = image;

    public bool Running { get; set; } = running;

    public string[] Environment { get; set; } = environment;

    public Dictionary<string, string> Labels { get; } = new();

    public string User { get; set; } = string.Empty;

    public string InspectJson() => JsonSerializer.Serialize(new[]
    {
        new
        {
            Id = "0123456789abcdef" + Name.GetHashCode(StringComparison.Ordinal).ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
            Name = "/" + Name,
            State = new { Running, Status = Running ? "running" : "exited" },
            Config = new { Image, Env = Environment, Labels, User },
        },
    });
}
