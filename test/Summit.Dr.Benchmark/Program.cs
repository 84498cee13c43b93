using System.Diagnostics;
using System.Globalization;
using Summit.Dr.Testing;

namespace Summit.Dr.Benchmark;

/// <summary>
/// Seeds a platform whose stores are each near a chosen size (100 MB by default) on the real engine and times
/// summit-dr against the runbook's commands run by hand on the same data, in alternating rounds (at least 3).
/// Reports medians and the ratios summit-dr/runbook for the backup, Neo4j's downtime (die to start, from the
/// engine's events) and the time until it answers again, the restore with summit-dr's defaults, and
/// summit-dr's peak resident memory. Writes a Markdown table and an SVG chart. With several sizes
/// (--sizes 100,1024) it also shows how time and memory grow.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var sizes = (Option(args, "--sizes") ?? Option(args, "--size-mb") ?? "100").Split(',').Select(
            s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var rounds = Math.Max(3, int.Parse(Option(args, "--rounds") ?? "3", CultureInfo.InvariantCulture));
        var nodes = int.Parse(Option(args, "--nodes") ?? "20000", CultureInfo.InvariantCulture);
        var files = int.Parse(Option(args, "--files") ?? "400", CultureInfo.InvariantCulture);
        var output = Path.GetFullPath(Option(args, "--out") ?? Path.Combine(Repo.Root, "test", "Summit.Dr.Benchmark", "results"));

        foreach (var script in new[] { Path.Combine(Repo.Root, ".ci", "docker-engine.sh"),
            Path.Combine(Repo.Root, "test", "fixtures", "build-images.sh") })
        {
            await Sh.RequireAsync("bash", script);
        }

        if (args.Contains("--pitr"))
        {
            var pitr = await PitrBenchmark.RunAsync(sizes, rounds);
            Directory.CreateDirectory(output);
            await File.WriteAllTextAsync(Path.Combine(output, "pitr.md"), $"Machine: {await MachineAsync()}\n\n{pitr}");
            Console.WriteLine(pitr);
            return 0;
        }

        await PublishedTool.PublishAsync();
        var results = new List<SizeResult>();
        foreach (var megabytes in sizes)
        {
            results.Add(await RunSizeAsync(megabytes, rounds, nodes, files));
        }

        var version = await VersionSecondsAsync();
        var command = "dotnet run -c Release --project " +
            "test/Summit.Dr.Benchmark" + (args.Length > 0 ? " -- " + string.Join(' ', args) : string.Empty);
        var markdown = Report.Markdown(results, await MachineAsync(), command, version);
        Directory.CreateDirectory(output);
        await File.WriteAllTextAsync(Path.Combine(output, "benchmark.md"), markdown);
        await File.WriteAllTextAsync(Path.Combine(output, "benchmark.svg"), Report.Svg(results[^1]));
        Console.WriteLine(markdown);
        Console.Error.WriteLine($"written: {Path.Combine(output, "benchmark.md")}, {Path.Combine(output, "benchmark.svg")}");
        return 0;
    }

    private static async Task<SizeResult> RunSizeAsync(int megabytes, int rounds, int nodes, int files)
    {
        await using var platform = await Platform.StartAsync(seed: false);
        Console.Error.WriteLine($"{megabytes} MB per store: seeding ...");
        var sizes = await Seeder.SeedAsync(platform, megabytes, nodes, files);
        Console.Error.WriteLine($"  PostgreSQL {sizes.DatabaseBytes / 1048576.0:0} MiB, Neo4j store {sizes.StoreBytes / 1048576.0:0} " +
            $"MiB, uploads {sizes.UploadsBytes / 1048576.0:0} MiB");
        var result = new SizeResult(megabytes, rounds, sizes, [], [], [], []);
        var cpu = await CpuAccount.ForAsync(platform);
        for (var round = 1; round <= rounds; round++)
        {
            Console.Error.WriteLine($"  round {round} of {rounds} ...");
            var byHand = Path.Combine(platform.WorkDir, "by-hand", round.ToString(CultureInfo.InvariantCulture));
            // Alternate which goes first, so neither always meets a warmer cache.
            var runbookFirst = round % 2 == 1;
            async Task RunbookBackup() => result.RunbookBackups.Add(
                await WatchAsync(platform, cpu, async () => (await RunbookByHand.BackupAsync(platform, byHand), null)));
            async Task ToolBackup() => result.ToolBackups.Add(await WatchToolAsync(platform, cpu, "backup"));
            async Task RunbookRestore() => result.RunbookRestores.Add(
                await WatchAsync(platform, cpu, async () => (await RunbookByHand.RestoreAsync(platform, byHand), null)));
            async Task ToolRestore() => result.ToolRestores.Add(await WatchToolAsync(platform, cpu, "restore", "latest", "--yes"));

            foreach (var step in runbookFirst ? new[] { RunbookBackup, ToolBackup, RunbookRestore, ToolRestore } : [ToolBackup,
                RunbookBackup, ToolRestore, RunbookRestore])
            {
                await step();
                await WaitForNeo4jAsync(platform);
            }

            Console.Error.WriteLine(
                $"    backup: runbook {result.RunbookBackups[^1].Seconds:0.0} s, summit-dr {result.ToolBackups[^1].Seconds:0.0} s; " +
                $"restore: runbook {result.RunbookRestores[^1].Seconds:0.0} s, summit-dr {result.ToolRestores[^1].Seconds:0.0} s");
            Directory.Delete(byHand, recursive: true);
            // Only the newest regular backup is needed for the next round's restore; disk stays bounded.
            var regular = platform.VisibleBackups().Where(b => !b.EndsWith("-safety", StringComparison.Ordinal)).Order(
                StringComparer.Ordinal).ToList();
            foreach (var old in platform.VisibleBackups().Except(regular.TakeLast(1)))
            {
                Directory.Delete(Path.Combine(platform.BackupRoot, old), recursive: true);
            }
        }

        return result;
    }

    private static async Task<Measurement> WatchToolAsync(Platform platform, CpuAccount cpu, params string[] args)
    {
        long peak = 0;
        List<(string, double, double)>? steps = null;
        (string, double)? offline = null;
        var measurement = await WatchAsync(platform, cpu, async () =>
        {
            var (seconds, peakBytes, outcome, own) = await ToolMeasure.RunAsync(platform, args);
            using (outcome)
            {
                if (outcome.RootElement.TryGetProperty("steps", out var reported)
                    && reported.ValueKind == System.Text.Json.JsonValueKind.Array)
                {
                    steps = reported.EnumerateArray()
                        .Where(s => s.TryGetProperty("name", out _) && s.TryGetProperty("seconds", out _))
                        .Select(s => (s.GetProperty("name").GetString()!, s.GetProperty("seconds").GetDouble(),
                            s.TryGetProperty("start", out var start) ? start.GetDouble() : 0)).ToList();
                }

                // What Neo4j was down for: a backup's manifest says it, a restore's outcome too.
                var root = outcome.RootElement;
                var work = root.TryGetProperty("neo4jOffline", out var restored) ? restored
                    : root.TryGetProperty("manifest", out var manifest) && manifest.TryGetProperty("neo4j", out var graph)
                        && graph.TryGetProperty("offline", out var backedUp) ? backedUp
                    : default;
                if (work.ValueKind == System.Text.Json.JsonValueKind.Object)
                {
                    offline = (work.GetProperty("work").GetString()!, work.GetProperty("seconds").GetDouble());
                }
            }

            peak = peakBytes;
            return (seconds, own);
        });
        return measurement with { PeakBytes = peak, Steps = steps, Offline = offline };
    }

    /// <param name="procedure">Runs it; returns its wall time and, for summit-dr, its own process's CPU.</param>
    private static async Task<Measurement> WatchAsync(
        Platform platform, CpuAccount cpu, Func<Task<(double Seconds, double? OwnCpu)>> procedure)
    {
        await using var watch = await Neo4jWatch.StartAsync(platform);
        var before = cpu.Take();
        var (seconds, own) = await procedure();
        var split = cpu.Since(before, own);
        var (down, unanswered, shutdown) = await watch.ResultAsync();
        return new Measurement(seconds, down, unanswered, null, split.Machine, Shutdown: shutdown) { Cpu = split };
    }

    private static async Task WaitForNeo4jAsync(Platform platform)
    {
        while (!await platform.Neo4jAnswersAsync())
        {
            await Task.Delay(100);
        }
    }

    /// <summary>The median of ten `summit-dr --version` runs through the tool's own launcher.</summary>
    private static async Task<double?> VersionSecondsAsync()
    {
        var launcher = PublishedTool.Launcher;
        var times = new List<double?>();
        for (var i = 0; i < 11; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await Sh.RequireAsync(launcher, "--version");
            if (i > 0)
            {
                times.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
        }

        return Report.Median(times);
    }

    private static async Task<string> MachineAsync()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(
            ':', 2)[1].Trim() ?? "unknown CPU";
        var memory = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal)).Split(
            ' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var docker = (await Sh.DockerRequireAsync("version", "--format", "{{.Server.Version}}")).Trim();
        return $"{Environment.ProcessorCount} cores ({cpu}), {long.Parse(memory, CultureInfo.InvariantCulture) / (1024 * 1024)} GiB, " +
            $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription}, Docker engine {docker}, .NET {Environment.Version}";
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
