using System.Diagnostics;
using System.Text.Json;
using Summit.Dr.Testing;

namespace Summit.Dr.Benchmark;

/// <summary>summit-dr run as a process, with its peak resident memory read from /proc while it runs.</summary>
internal static class ToolMeasure
{
    /// <returns>Also summit-dr's own CPU (its process, not the docker CLIs it ran), as last read from /proc before it ended.</returns>
    public static async Task<(double Seconds, long PeakBytes, JsonDocument Outcome, double? OwnCpu)> RunAsync(
        Platform platform, params string[] args)
    {
        var started = Stopwatch.GetTimestamp();
        // SUMMIT_DR_BENCH_TRACE=DIR keeps each run's verbose log there, to see where the time went.
        var trace = Environment.GetEnvironmentVariable("SUMMIT_DR_BENCH_TRACE");
        using var run = ToolRun.Start(
            platform.WorkDir, [.. args, "--json", trace is null ? "-q" : "-v"], executable: PublishedTool.Launcher);
        double? own = null;
        using var stop = new CancellationTokenSource();
        var sampling = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                own = CpuAccount.ProcessSeconds(run.Pid)?.Own ?? own;
                await Task.Delay(20, CancellationToken.None);
            }
        });
        var peak = await run.WaitMeasuringPeakAsync(TimeSpan.FromMinutes(60));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await stop.CancelAsync();
        await sampling;
        if (trace is not null)
        {
            Directory.CreateDirectory(trace);
            await File.WriteAllTextAsync(Path.Combine(trace, $"{DateTime.UtcNow:HHmmss.fff}-{args[0]}.log"), $"{seconds:0.000} " +
                $"s\n" + run.Stderr);
        }

        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException(run.Describe());
        }

        return (seconds, peak, JsonDocument.Parse(run.Stdout), own);
    }
}
