using System.Globalization;
using Summit.Dr.Engine.Processes;

namespace Summit.Dr.Tests.Support;

/// <summary>The workbench beside Neo4j, as the fake engine plays it: started with or without the backup directory, and what neo4j-admin
/// and the store moves do in it.</summary>
internal sealed partial class FakeDocker
{
    /// <summary>Free space in Neo4j's volume as `df` reports it: too little for a snapshot unless a test gives it room.</summary>
    public long Neo4jVolumeFreeKiB { get; set; } = 1024;

    private ProcessResult StartBench(IReadOnlyList<string> args)
    {
        var name = ValueOf(args, "--name")!;
        if (Containers.ContainsKey(name))
        {
            return Result(125, stderr: $"docker: Error response from daemon: Conflict. The container name \"/{name}\" is already in use " +
                $"by container \"0123\".");
        }

        var source = BindSource(args);
        if (source is not null && !EngineSeesHost)
        {
            return Result(125, stderr: $"docker: Error response from daemon: invalid mount config for type \"bind\": bind source path " +
                $"does not exist: {source}.");
        }

        Containers[name] = new FakeContainer(name, args[^3], true, [])
        {
            MountSource = source,
            VolumesFrom = ValueOf(args, "--volumes-from"),
        };
        return Result(stdout: "0123456789abcdef\n");
    }

    /// <summary>`docker create`, as the platform's lock runs it: a container that never starts, with its labels.</summary>
    private ProcessResult CreateLock(IReadOnlyList<string> args)
    {
        var name = ValueOf(args, "--name")!;
        if (Containers.ContainsKey(name))
        {
            return Result(125, stderr: $"Error response from daemon: Conflict. The container name \"/{name}\" is already in use.");
        }

        var container = new FakeContainer(name, args[^2], false, []);
        foreach (var label in args.Select((a, i) => (a, i)).Where(p => p.a == "--label").Select(p => args[p.i + 1]))
        {
            var equals = label.IndexOf('=', StringComparison.Ordinal);
            container.Labels[label[..equals]] = label[(equals + 1)..];
        }

        Containers[name] = container;
        return Result(stdout: "0123456789abcdef\n");
    }

    private async Task<ProcessResult> InBenchAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        var args = spec.Arguments;
        // `env NAME=VALUE command`: the command is what runs (NEO4J_CONF points a 4.4 neo4j-admin at a data directory).
        var name = BenchOf(args)!;
        var command = args.SkipWhile(a => a != name).Skip(1).SkipWhile(
            a => a == "env" || a.Contains('=', StringComparison.Ordinal)).ToList();
        command.AddRange(args.Where(a => a.StartsWith("NEO4J_CONF=", StringComparison.Ordinal)));
        var neo4jRunning = Containers["neo4j"].Running;
        var mount = Containers.TryGetValue(name, out var bench) ? bench.MountSource : null;
        switch (command[0])
        {
            case "pgrep":
                return Result(stdout: "1\n");
            case "stat":
                var info = new FileInfo(File.Exists(mount!) ? mount! : Path.Combine(mount!, Path.GetFileName(command[^1])));
                return info.Exists
                    ? Result(stdout: string.Create(
                        CultureInfo.InvariantCulture, $"{info.Length}:{new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeSeconds()}\n"))
                    : Result(1, stderr: $"stat: cannot statx '{command[^1]}': No such file or directory");
            case "mv":
                lock (_state)
                {
                    var (from, to) = (command[^2], command[^1]);
                    if (!Volume.Remove(from))
                    {
                        return Result(1, stderr: $"mv: cannot stat '{from}': No such file or directory");
                    }

                    Volume.Add(to);
                    return Result();
                }

            case "test":
                lock (_state)
                {
                    return Volume.Contains(command[^1]) ? Result() : Result(1);
                }

            case "rm":
                lock (_state)
                {
                    Volume.RemoveWhere(p => command.Skip(2).Contains(p));
                    foreach (var file in Files.Keys.Where(
                        k => command.Skip(2).Any(p => k.StartsWith($"{name}:{p}/", StringComparison.Ordinal))).ToList())
                    {
                        Files.Remove(file);
                    }
                }

                return Result();
            case "dd":
                return await WriteFileAsync(spec, name, cancellationToken);
            case "mkdir":
                return Result();
            case "tee":
                await spec.StandardInput!.CopyToAsync(Stream.Null, cancellationToken);
                return Result();
            case "cp":
                lock (_state)
                {
                    var (from, to) = (command[^2], command[^1]);
                    if (!Volume.Contains(from))
                    {
                        return Result(1, stderr: $"cp: cannot stat '{from}': No such file or directory");
                    }

                    Volume.Add(to);
                    return Result();
                }

            case "neo4j-admin" when neo4jRunning && ScratchData(command) is null
                && (command.Contains("dump") || (command.Contains("load") && !command.Contains("--info"))):
                return Result(1, stderr: "The database is in use. Stop database 'neo4j' and try again.");
            case "neo4j-admin" when FromPath(command) is { } from && from.StartsWith("/data/", StringComparison.Ordinal)
                && !HasFile(name, from):
                return Result(1, stderr: $"Archive does not exist: {from}");
            case "neo4j-admin" when command.Contains("--info"):
                if (spec.StandardInput is { } input)
                {
                    await input.CopyToAsync(Stream.Null, cancellationToken);
                }
                else if (FromPath(command) is { } copy && copy.StartsWith("/data/", StringComparison.Ordinal))
                {
                    return Result(stdout: "Database: neo4j\n");
                }
                else if (!File.Exists(mount!) && !File.Exists(Path.Combine(mount!, "neo4j.dump")))
                {
                    // As neo4j-admin: it reads the archive where the path option says, and it must be there.
                    return Result(1, stderr: "Archive does not exist: /summit-dr/neo4j.dump");
                }

                return Result(stdout: "Database: neo4j\n");
            case "neo4j-admin" when command.Contains("dump") && ScratchData(command) is { } copy
                && !Volume.Contains($"{copy}/databases/neo4j"):
                return Result(1, stderr: "Database does not exist: neo4j");
            case "neo4j-admin" when command.Contains("dump"):
                if (command.Any(
                    a => a.StartsWith("--to-path=", StringComparison.Ordinal)
                        || (a.StartsWith("--to=", StringComparison.Ordinal) && a != "--to=-")))
                {
                    // The image's entrypoint ran when the container started; a path target keeps the dump clean anyway.
                    await File.WriteAllBytesAsync(Path.Combine(mount!, "neo4j.dump"), Neo4jDump, cancellationToken);
                    return Result();
                }

                await spec.StandardOutput!.WriteAsync(Neo4jDump, cancellationToken);
                return Result();
            case "neo4j-admin" when command.Contains("load"):
                if (spec.StandardInput is { } dump)
                {
                    await dump.CopyToAsync(Stream.Null, cancellationToken);
                }

                lock (_state)
                {
                    var data = ScratchData(command) ?? "/data";
                    Volume.Add($"{data}/databases/neo4j");
                    Volume.Add($"{data}/transactions/neo4j");
                }

                return Result();
            default:
                throw new InvalidOperationException($"FakeDocker has no answer in the workbench for: {string.Join(' ', command)}");
        }
    }

    /// <summary>The dump file a neo4j-admin load reads (`--from-path=DIR` reads DIR/neo4j.dump; 4.4 `--from=FILE`), or null for standard
    /// input.</summary>
    private static string? FromPath(IReadOnlyList<string> command) =>
        command.FirstOrDefault(a => a.StartsWith("--from-path=", StringComparison.Ordinal)) is { } directory
            ? directory["--from-path=".Length..] + "/neo4j.dump"
            : command.FirstOrDefault(a => a.StartsWith("--from=", StringComparison.Ordinal) && a != "--from=-")?["--from=".Length..];

    /// <summary>The data directory a neo4j-admin command was pointed at (5.x --additional-config, 4.4 NEO4J_CONF), or null for
    /// /data.</summary>
    private string? ScratchData(IReadOnlyList<string> command)
    {
        var directory = command.FirstOrDefault(a => a.StartsWith("--additional-config=", StringComparison.Ordinal)) is { } file
            ? Path.GetDirectoryName(file["--additional-config=".Length..])
            : command.FirstOrDefault(a => a.StartsWith("NEO4J_CONF=", StringComparison.Ordinal))?["NEO4J_CONF=".Length..];
        return directory is null ? null : "/data/" + Path.GetFileName(directory)["summit-dr-".Length..];
    }
}
