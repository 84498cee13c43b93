using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Summit.Dr.Testing;

namespace Summit.Dr.Benchmark;

/// <summary>summit-dr run as a process, with its peak resident memory read from /proc while it runs.</summary>
internal static class ToolMeasure
{
    public static async Task<(Measurement Measurement, JsonDocument Outcome)> RunAsync(Platform platform, params string[] args)
    {
        var started = Stopwatch.GetTimestamp();
        using var run = ToolRun.Start(platform.WorkDir, [.. args, "--json", "-q"]);
        long peak = 0;
        while (!run.HasExited)
        {
            peak = Math.Max(peak, PeakResident(run.Pid));
            await Task.Delay(20);
        }

        await run.WaitAsync(TimeSpan.FromMinutes(30));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException(run.Describe());
        }

        var outcome = JsonDocument.Parse(run.Stdout);
        var downtime = outcome.RootElement.TryGetProperty("neo4jDowntimeSeconds", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetDouble() : (double?)null;
        return (new Measurement(seconds, downtime, peak), outcome);
    }

    /// <summary>VmHWM: the process's peak resident set so far, in bytes.</summary>
    private static long PeakResident(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
