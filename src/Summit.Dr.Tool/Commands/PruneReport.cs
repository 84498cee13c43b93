using Summit.Dr.Archive.Retention;
using Summit.Dr.Progress;
using Summit.Dr.Tool.Terminal;

namespace Summit.Dr.Tool.Commands;

/// <summary>What `prune` kept and removed (or would), as text or as one JSON document.</summary>
internal static class PruneReport
{
    public static void Write(ToolConsole console, PruneResult result, bool dryRun, bool remote, bool json)
    {
        if (json)
        {
            console.WriteJson(new
            {
                schemaVersion = 1,
                command = "prune",
                dryRun,
                remote,
                freedBytes = result.FreedBytes,
                walSegmentsRemoved = result.WalSegments,
                kept = result.Decisions.Where(d => d.Keep).Select(d => new { name = d.Entry.Name, reasons = d.Reasons }),
                removed = result.Decisions.Where(d => !d.Keep).Select(
                    d => new { name = d.Entry.Name, reason = d.Reasons[0], bytes = d.Entry.Bytes }),
            });
            return;
        }

        foreach (var decision in result.Decisions)
        {
            var verb = decision.Keep ? "keep  " : dryRun ? "would remove" : "remove";
            console.Out.WriteLine($"{verb,-12} {decision.Entry.Name,-28} {string.Join("; ", decision.Reasons)}");
        }

        if (result.WalSegments > 0)
        {
            console.Out.WriteLine($"{(dryRun ? "would remove" : "remove"),-12} {result.WalSegments} WAL segments older than the " +
                $"oldest base backup kept ({LoggingProgressReporter.FormatBytes(result.WalBytes)})");
        }

        var removed = result.Decisions.Count(d => !d.Keep);
        console.Error.WriteLine($"{result.Decisions.Count - removed} kept, {removed} {(dryRun ? "would be removed" : "removed")} " +
            $"({LoggingProgressReporter.FormatBytes(result.FreedBytes)}).");
    }
}
