using System.Globalization;
using Summit.Dr.Model;
using Summit.Dr.Operations.List;
using Summit.Dr.Progress;
using Summit.Dr.Tool.Terminal;

namespace Summit.Dr.Tool.Commands;

/// <summary>What `list` shows: the backups here (with their last drill), what restores kept and the point-in-time window, or the backups
/// off-site; as text or as one JSON document.</summary>
internal static class ListReport
{
    public static void WriteLocal(ToolConsole console, LocalListing listing, DateTimeOffset now, bool json)
    {
            var entries = listing.Backups;
            var kept = listing.Kept;
            if (json)
            {
                console.WriteJson(new
                {
                    schemaVersion = 1,
                    command = "list",
                    root = listing.Root,
                    backups = entries.Select(e => JsonEntry(e.Entry, now, "directory", ("lastDrill", e.LastDrill))),
                    kept = kept.Select(k => KeptReport.Json(k.State, k.Sizes)),
                    pointInTime = listing.Window is { } w
                        ? new { from = w.From, to = w.To, streaming = w.Streaming, signedOnly = w.SignedOnly } : null,
                });
                return;
            }

            if (entries.Count == 0)
            {
                console.Error.WriteLine($"No backups in {listing.Root}. Make one with `summit-dr backup`.");
                KeptReport.Write(console.Out, kept);
                return;
            }

            console.Out.WriteLine($"{"NAME",-28} {"TIME",-19} {"AGE",8} {"SIZE",10}  {"COMPONENTS",-22} {"LAST DRILLED",-26} STATE");
            foreach (var (e, last) in entries)
            {
                var drill = last is { } d ? $"{Ago(now - d.Time)}: {d.Result}" : "never";
                console.Out.WriteLine($"{Columns(e, now)} {drill,-26} {State(e)}");
            }

            KeptReport.Write(console.Out, kept);
            if (listing.Window is { } window)
            {
                console.Out.WriteLine();
                console.Out.WriteLine($"Point in time: PostgreSQL can be restored to any second from " +
                    $"{window.From.ToLocalTime():yyyy-MM-dd HH:mm:ss} to {window.To.ToLocalTime():yyyy-MM-dd HH:mm:ss} " +
                    (window.SignedOnly ? "(up to the WAL ledger's last signed sync: a restore replays only signed " +
                        "WAL)" : window.Streaming ? "(the archiver streams: the window grows)" : "(the archiver is not streaming: " +
                            "`summit-dr wal start`)") + "; `summit-dr restore --to TIME`.");
            }
    }

    public static void WriteRemote(ToolConsole console, IReadOnlyList<BackupEntry> entries, DateTimeOffset now, bool json)
    {
        if (json)
        {
            console.WriteJson(new
            {
                schemaVersion = 1,
                command = "list",
                remote = true,
                backups = entries.Select(e => JsonEntry(e, now, "location")),
            });
            return;
        }

        if (entries.Count == 0)
        {
            console.Error.WriteLine("No backups off-site yet. Push one with `summit-dr push latest`.");
            return;
        }

        console.Out.WriteLine($"{"NAME",-28} {"TIME",-19} {"AGE",8} {"SIZE",10}  {"COMPONENTS",-22} STATE");
        foreach (var e in entries)
        {
            console.Out.WriteLine($"{Columns(e, now)} {State(e)}");
        }
    }

    /// <summary>One backup in --json, local (its directory) or off-site (its location), with what only one of them has.</summary>
    private static Dictionary<string, object?> JsonEntry(
        BackupEntry e, DateTimeOffset now, string where, params (string Key, object? Value)[] extra)
    {
        var entry = new Dictionary<string, object?>
        {
            ["name"] = e.Name,
            [where] = e.Directory,
            ["time"] = e.Time,
            ["ageSeconds"] = e.Time is { } t ? Math.Round((now - t).TotalSeconds) : null,
            ["bytes"] = e.Bytes,
            ["components"] = e.Components.Select(c => c.ToString().ToLowerInvariant()),
            ["state"] = e.State.ToString().ToLowerInvariant(),
            ["problem"] = e.Problem,
        };
        foreach (var (key, value) in extra)
        {
            entry[key] = value;
        }

        // As for every other document here: what is unknown is left out, not written as null.
        return entry.Where(e => e.Value is not null).ToDictionary();
    }

    /// <summary>NAME, TIME, AGE, SIZE and COMPONENTS, as both tables show them.</summary>
    private static string Columns(BackupEntry e, DateTimeOffset now)
    {
        var time = e.Time?.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";
        var age = e.Time is { } t ? Age(now - t) : "-";
        var components = e.Components.Count == 0 ? "-" : string.Join(',', e.Components.Select(c => c.ToString().ToLowerInvariant()));
        return $"{e.Name,-28} {time,-19} {age,8} {LoggingProgressReporter.FormatBytes(e.Bytes),10}  {components,-22}";
    }

    private static string State(BackupEntry e) =>
        e.State.ToString().ToLowerInvariant() + (e.Problem is null ? string.Empty : $" ({e.Problem})");

    private static string Ago(TimeSpan span) => Age(span) is var age && age == "now" ? "just now" : age + " ago";

    private static string Age(TimeSpan age) => age switch
    {
        { TotalMinutes: < 1 } => "now",
        { TotalHours: < 1 } => $"{(int)age.TotalMinutes}m",
        { TotalDays: < 1 } => $"{(int)age.TotalHours}h",
        _ => $"{(int)age.TotalDays}d",
    };
}
