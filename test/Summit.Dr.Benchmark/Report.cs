using System.Globalization;
using System.Text;

namespace Summit.Dr.Benchmark;

/// <summary>Medians of alternating rounds, the ratios summit-dr/runbook, as a Markdown table and an SVG chart.</summary>
internal static partial class Report
{
    public static double? Median(IEnumerable<double?> values)
    {
        var sorted = values.OfType<double>().Order().ToList();
        if (sorted.Count == 0)
        {
            return null;
        }

        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The rows compared side by side: a name, the runbook's and summit-dr's medians in seconds.</summary>
    public static IReadOnlyList<(string Name, double? Runbook, double? Tool)> Rows(SizeResult result)
    {
        double? M(IEnumerable<Measurement> runs, Func<Measurement, double?> pick) => Median(runs.Select(pick));
        return
        [
            ("backup, total", M(result.RunbookBackups, r => r.Seconds), M(result.ToolBackups, r => r.Seconds)),
            ("backup, Neo4j's clean shutdown (stop signal → " +
                "die)", M(result.RunbookBackups, r => r.Shutdown), M(result.ToolBackups, r => r.Shutdown)),
            ("backup, Neo4j container down (die → " +
                "start)", M(result.RunbookBackups, r => r.Neo4jDown), M(result.ToolBackups, r => r.Neo4jDown)),
            ("backup, of which summit-dr's work while down (copy, or dump in place)", null, M(result.ToolBackups, r => r.Offline?.Seconds)),
            ("backup, until Neo4j answers again (die → " +
                "answer)", M(result.RunbookBackups, r => r.Neo4jUnanswered), M(result.ToolBackups, r => r.Neo4jUnanswered)),
            ("restore, total (summit-dr's defaults)", M(result.RunbookRestores, r => r.Seconds), M(result.ToolRestores, r => r.Seconds)),
            ("restore, Neo4j's clean shutdown (stop signal → " +
                "die)", M(result.RunbookRestores, r => r.Shutdown), M(result.ToolRestores, r => r.Shutdown)),
            ("restore, Neo4j container down (die → " +
                "start)", M(result.RunbookRestores, r => r.Neo4jDown), M(result.ToolRestores, r => r.Neo4jDown)),
            ("restore, of which summit-dr's work while down (renames, or load in " +
                "place)", null, M(result.ToolRestores, r => r.Offline?.Seconds)),
            ("restore, until Neo4j answers again (die → " +
                "answer)", M(result.RunbookRestores, r => r.Neo4jUnanswered), M(result.ToolRestores, r => r.Neo4jUnanswered)),
        ];
    }

    public static string Markdown(IReadOnlyList<SizeResult> results, string machine, string command, double? versionSeconds)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Medians of alternating rounds. Reproduce: `{command}`");
        foreach (var result in results)
        {
            Detail(text, result, versionSeconds);
        }

        if (results.Count > 1)
        {
            text.AppendLine();
            text.AppendLine("From one size to the next (summit-dr, medians):");
            text.AppendLine();
            text.AppendLine("| per store | backup | restore | Neo4j down in a backup (runbook) | in a restore (runbook) | peak RSS, " +
                "backup | peak RSS, restore |");
            text.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var result in results)
            {
                string Down(List<Measurement> tool, List<Measurement> runbook) =>
                    $"{Seconds(Median(tool.Select(r => r.Neo4jDown)))} ({Seconds(Median(runbook.Select(r => r.Neo4jDown)))}, " +
                        $"{Ratio(Median(tool.Select(r => r.Neo4jDown)), Median(runbook.Select(r => r.Neo4jDown)))})";
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {result.Megabytes} MB | {Seconds(Median(result.ToolBackups.Select(r => (double?)r.Seconds)))} | " +
                        $"{Seconds(Median(result.ToolRestores.Select(r => (double?)r.Seconds)))} | " +
                    $"{Down(result.ToolBackups, result.RunbookBackups)} | {Down(result.ToolRestores, result.RunbookRestores)} | " +
                        $"{Mib(Max(result.ToolBackups))} | {Mib(Max(result.ToolRestores))} |");
            }
        }

        text.AppendLine();
        text.AppendLine("Every round:");
        text.AppendLine();
        text.AppendLine("| size | round | runbook backup | summit-dr backup | runbook restore | summit-dr restore |");
        text.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var result in results)
        {
            for (var i = 0; i < result.ToolBackups.Count; i++)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {result.Megabytes} MB | {i + 1} | {Seconds(result.RunbookBackups[i].Seconds)} | " +
                        $"{Seconds(result.ToolBackups[i].Seconds)} | " +
                    $"{Seconds(result.RunbookRestores[i].Seconds)} | {Seconds(result.ToolRestores[i].Seconds)} |");
            }
        }

        return text.ToString();
    }

    /// <summary>One size's measures against the runbook, and where summit-dr's restore spent its time.</summary>
    private static void Detail(StringBuilder text, SizeResult main, double? versionSeconds)
    {
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"## {main.Megabytes} MB per store");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Stores: PostgreSQL {Mib(main.Sizes.DatabaseBytes)}, Neo4j store {Mib(main.Sizes.StoreBytes)} (stand-in), uploads " +
                $"{Mib(main.Sizes.UploadsBytes)}; medians of {main.Rounds} rounds.");
        text.AppendLine();
        text.AppendLine("| measure | runbook by hand | summit-dr | summit-dr / runbook |");
        text.AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var (name, runbook, tool) in Rows(main))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Seconds(runbook)} | {Seconds(tool)} | {Ratio(tool, runbook)} |");
        }

        foreach (var (name, runbook, tool) in new[]
        {
            ("backup, CPU busy, whole machine (core-seconds)", main.RunbookBackups, main.ToolBackups),
            ("restore, CPU busy, whole machine (core-seconds)", main.RunbookRestores, main.ToolRestores),
        })
        {
            var r = Median(runbook.Select(m => m.CpuSeconds));
            var t = Median(tool.Select(m => m.CpuSeconds));
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Cpu(r, runbook)} | {Cpu(t, tool)} | {Ratio(t, r)} |");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"| summit-dr peak RSS, backup / restore | | {Mib(Max(main.ToolBackups))} / " +
            $"{Mib(Max(main.ToolRestores))} | |");
        if (versionSeconds is { } version)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| `summit-dr --version` | | {version:0.00} s | |");
        }

        CpuTable(text, main);
        CriticalPath(text, "backup", main.ToolBackups);
        CriticalPath(text, "restore", main.ToolRestores);
    }

    /// <summary>Grouped horizontal bars, one pair per measure, seconds on a shared scale.</summary>
    public static string Svg(SizeResult result)
    {
        var rows = Rows(result).Where(r => r.Runbook is not null && r.Tool is not null).ToList();
        const int width = 760;
        const int label = 330;
        const int barHeight = 14;
        const int rowHeight = 44;
        var top = 40;
        var height = top + (rows.Count * rowHeight) + 30;
        var max = rows.Max(r => Math.Max(r.Runbook!.Value, r.Tool!.Value));
        var scale = (width - label - 80) / max;
        var svg = new StringBuilder();
        svg.AppendLine(CultureInfo.InvariantCulture,
            $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="10" y="20" font-size="14" font-weight="bold">""" +
            $"""summit-dr vs the runbook by hand, {result.Megabytes} MB per store (medians of {result.Rounds} rounds, seconds)</text>""");
        svg.AppendLine(CultureInfo.InvariantCulture,
            $"""<rect x="{label}" y="26" width="10" height="10" fill="#9aa5b1"/><text x="{label + 14}" y="35">runbook by hand</text>""");
        svg.AppendLine(CultureInfo.InvariantCulture,
            $"""<rect x="{label + 130}" y="26" width="10" height="10" fill="#2b7bb9"/><text x="{label + 144}" y="35">summit-dr</text>""");
        foreach (var (name, runbook, tool) in rows)
        {
            var y = top + 8;
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="10" y="{y + barHeight + 4}">{Escape(name)}</text>""");
            Bar(svg, label, y, runbook!.Value, scale, barHeight, "#9aa5b1");
            Bar(svg, label, y + barHeight + 2, tool!.Value, scale, barHeight, "#2b7bb9");
            top += rowHeight;
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static void Bar(StringBuilder svg, int x, int y, double seconds, double scale, int height, string color)
    {
        var width = Math.Max(1, seconds * scale);
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect x="{x}" y="{y}" width="{width:0.0}" height="{height}" fill="{color}"/>""" +
            $"""<text x="{x + width + 4:0.0}" y="{y + height - 3}">{seconds:0.0}</text>""");
    }

    /// <summary>Core-seconds, and how busy that kept the machine's cores over the run's wall time.</summary>
    private static string Cpu(double? coreSeconds, IEnumerable<Measurement> runs)
    {
        var wall = Median(runs.Select(m => (double?)m.Seconds));
        return coreSeconds is { } c && wall is { } w && w > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{c:0.0} ({c / (w * Environment.ProcessorCount):0%} of " +
                $"{Environment.ProcessorCount} cores)")
            : "–";
    }

    private static long? Max(IEnumerable<Measurement> runs) => runs.Select(r => r.PeakBytes).Max();

    private static string Seconds(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "–";

    private static string Ratio(double? tool, double? runbook) =>
        tool is { } t && runbook is { } r && r > 0 ? (t / r).ToString("0.00", CultureInfo.InvariantCulture) + "x" : "–";

    private static string Mib(long? bytes) =>
        bytes is { } b ? (b / (1024.0 * 1024)).ToString("0", CultureInfo.InvariantCulture) + " MiB" : "–";

    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(
            ">", "&gt;", StringComparison.Ordinal);
}
