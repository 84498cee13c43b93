using System.Globalization;
using System.Text;

namespace Summit.Dr.Benchmark;

/// <summary>Where the CPU went, by process, and which of summit-dr's steps decided its time.</summary>
internal static partial class Report
{
    private static void CpuTable(StringBuilder text, SizeResult main)
    {
        if (main.ToolRestores.All(m => m.Cpu is null))
        {
            return;
        }

        text.AppendLine();
        text.AppendLine("Where the CPU went (core-seconds, medians; the containers from the engine's cgroup accounting):");
        text.AppendLine();
        text.AppendLine("| where | runbook backup | summit-dr backup | runbook restore | summit-dr restore |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var (name, pick) in new (string, Func<CpuSplit, double?>)[]
        {
            ("client processes: the runbook's docker CLIs and tar; summit-dr and its docker CLIs", c => c.Clients),
            ("of which summit-dr's own process", c => c.ToolOwn),
            ("PostgreSQL's container (pg_dump, pg_restore, the server)", c => c.Postgres),
            ("Neo4j's container and the one-off containers (neo4j-admin, copies)", c => c.OtherContainers),
            ("the engine's daemons (dockerd, containerd, shims)", c => c.Engine),
            ("the rest (the kernel's work for all of them, short-lived shims)", c => c.Rest),
            ("whole machine", c => c.Machine),
        })
        {
            string Cell(List<Measurement> runs) => Median(runs.Select(m => m.Cpu is { } c ? pick(c) : null)) is { } v
                ? v.ToString("0.0", CultureInfo.InvariantCulture) : "–";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Cell(main.RunbookBackups)} | {Cell(main.ToolBackups)} | " +
                $"{Cell(main.RunbookRestores)} | {Cell(main.ToolRestores)} |");
        }
    }

    /// <summary>
    /// The steps that decided the total of the round nearest the median: from the step that ended last, each time the step that
    /// ended last before it began. What is not in a step (the tool's start, work between steps) is the remainder.
    /// </summary>
    private static void CriticalPath(StringBuilder text, string operation, List<Measurement> runs)
    {
        var median = Median(runs.Select(r => (double?)r.Seconds));
        var run = runs.Where(r => r.Steps is { Count: > 0 }).MinBy(r => Math.Abs(r.Seconds - (median ?? 0)));
        if (run?.Steps is not { } steps)
        {
            return;
        }

        var path = new List<(string Name, double Seconds, double Start)>();
        var cursor = steps.MaxBy(s => s.Start + s.Seconds);
        while (cursor != default)
        {
            path.Insert(0, cursor);
            var before = cursor.Start;
            // Steps already on the path are out: with the tolerance, two steps of no length could otherwise lead to each other.
            cursor = steps.Where(s => s.Start + s.Seconds <= before + 0.02 && !path.Contains(s))
                .OrderByDescending(s => s.Start + s.Seconds).FirstOrDefault();
        }

        text.AppendLine();
        var total = run.Seconds.ToString("0.0", CultureInfo.InvariantCulture);
        text.AppendLine($"summit-dr's {operation}, the round nearest the median ({total} s): its critical path, the steps that " +
            "decided the total, each starting when the one before it ended; the others ran beside them:");
        text.AppendLine();
        text.AppendLine("| step | starts at | seconds |");
        text.AppendLine("| --- | ---: | ---: |");
        foreach (var (name, seconds, start) in path)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {start:0.00} s | {seconds:0.00} s |");
        }

        var inSteps = path.Sum(p => p.Seconds);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| not in a step (the process's start and end, work between steps) | | {run.Seconds - inSteps:0.00} s |");
        text.AppendLine();
        var every = string.Join(", ", steps.Select(
            s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} {s.Start:0.00}+{s.Seconds:0.00}")));
        text.AppendLine(CultureInfo.InvariantCulture, $"Every step of that {operation} (start+seconds): {every}");
    }
}
