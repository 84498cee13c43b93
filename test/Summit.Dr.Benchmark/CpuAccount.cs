using System.Globalization;
using System.Runtime.InteropServices;
using Summit.Dr.Testing;

namespace Summit.Dr.Benchmark;

/// <summary>
/// Where a procedure's CPU went, in core-seconds: the client processes it ran and waited for (summit-dr and the docker CLIs it
/// ran, or the runbook's docker CLIs and tar; getrusage of this process's children), the containers (the engine's own cgroup
/// accounting: PostgreSQL's container, and the rest of the containers: Neo4j's, which restarts and so loses its own counter, and
/// every one-off), the engine's daemons (dockerd, containerd and the shims alive at both ends, from /proc), and the rest of the
/// machine (the kernel's work for all of them, shims that came and went).
/// </summary>
internal sealed partial class CpuAccount(string postgresId)
{
    private const int ChildrenOfThisProcess = -1;

    public static async Task<CpuAccount> ForAsync(Platform platform) =>
        new((await Sh.DockerRequireAsync("inspect", "--format", "{{.Id}}", platform.Postgres)).Trim());

    public Snapshot Take() => new(BusyCoreSeconds(), ChildrenSeconds(), Cgroup(null), Cgroup(postgresId), EngineSeconds());

    /// <summary>What was spent since <paramref name="before"/>; <paramref name="toolOwn"/> is summit-dr's own share of the clients
    /// (its process, without the docker CLIs it ran), when it ran.</summary>
    public CpuSplit Since(Snapshot before, double? toolOwn)
    {
        var now = Take();
        var containers = now.Containers - before.Containers;
        var postgres = now.Postgres - before.Postgres;
        var engine = now.Engine.Where(e => before.Engine.ContainsKey(e.Key)).Sum(e => e.Value - before.Engine[e.Key]);
        return new CpuSplit(
            now.Machine - before.Machine, now.Children - before.Children, toolOwn, postgres, containers - postgres, engine);
    }

    /// <summary>Core-seconds every CPU has spent busy since boot (user, nice, system, irq, softirq, steal), from /proc/stat.</summary>
    public static double BusyCoreSeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(
            f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal: everything but idle and iowait, in USER_HZ (100 per second).
        return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]) / 100.0;
    }

    /// <summary>utime + stime, and cutime + cstime (children it waited for), of a live process, in seconds; null once it is gone.</summary>
    public static (double Own, double Children)? ProcessSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime field 14.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            double Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture) / 100.0;
            return (Field(14) + Field(15), Field(16) + Field(17));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>A container's cgroup (or, for null, all of the engine's containers) in seconds: cgroup v1 or v2, cgroupfs or
    /// systemd.</summary>
    private static double Cgroup(string? id)
    {
        foreach (var path in id is null
            ? ["/sys/fs/cgroup/cpuacct/docker/cpuacct.usage", "/sys/fs/cgroup/docker/cpu.stat", "/sys/fs/cgroup/system.slice/cpu.stat"]
            : new[]
            {
                $"/sys/fs/cgroup/cpuacct/docker/{id}/cpuacct.usage", $"/sys/fs/cgroup/docker/{id}/cpu.stat",
                $"/sys/fs/cgroup/system.slice/docker-{id}.scope/cpu.stat",
            })
        {
            if (!File.Exists(path))
            {
                continue;
            }

            var text = File.ReadAllText(path);
            return path.EndsWith("cpuacct.usage", StringComparison.Ordinal)
                ? long.Parse(text.Trim(), CultureInfo.InvariantCulture) / 1e9
                : long.Parse(text.Split('\n').First(l => l.StartsWith("usage_usec ", StringComparison.Ordinal))[11..],
                    CultureInfo.InvariantCulture) / 1e6;
        }

        return 0;
    }

    private static Dictionary<int, double> EngineSeconds()
    {
        var engine = new Dictionary<int, double>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var name = File.ReadAllText(Path.Combine(directory, "comm")).Trim();
                if (name is "dockerd" or "containerd" || name.StartsWith("containerd-shim", StringComparison.Ordinal))
                {
                    if (ProcessSeconds(pid) is { } seconds)
                    {
                        engine[pid] = seconds.Own;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile.
            }
        }

        return engine;
    }

    private static double ChildrenSeconds() =>
        GetResourceUsage(ChildrenOfThisProcess, out var usage) == 0
            ? usage.UserSeconds + (usage.UserMicroseconds / 1e6) + usage.SystemSeconds + (usage.SystemMicroseconds / 1e6)
            : 0;

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetResourceUsage(int who, out ResourceUsage usage);

    /// <summary>struct rusage on 64-bit Linux: two timevals, then fourteen longs.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public Fourteen Rest;
    }

    [System.Runtime.CompilerServices.InlineArray(14)]
    private struct Fourteen
    {
        private long _first;
    }

    public sealed record Snapshot(double Machine, double Children, double Containers, double Postgres, Dictionary<int, double> Engine);
}

/// <summary>Core-seconds by where they went; <see cref="Rest"/> is the machine's total less the rest.</summary>
internal sealed record CpuSplit(double Machine, double Clients, double? ToolOwn, double Postgres, double OtherContainers, double Engine)
{
    public double Rest => Machine - Clients - Postgres - OtherContainers - Engine;
}
