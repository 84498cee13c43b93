using Summit.Dr.Model;
using Summit.Dr.Progress;
using Summit.Dr.Tool.Terminal;

namespace Summit.Dr.Tool.Commands;

/// <summary>What `status` shows: each recovery point and the drill with where it was read, then one line of verdict; or one JSON
/// document.</summary>
internal static class StatusReport
{
    /// <param name="quiet">Text: only the breaches, as warnings on stderr.</param>
    public static void Write(ToolConsole console, RecoveryStatus status, bool json, bool quiet = false)
    {
        var now = status.Now;
        if (json)
        {
            console.WriteJson(new
            {
                schemaVersion = 1,
                command = "status",
                now,
                objectives = new
                {
                    rpoSeconds = status.Objectives.Rpo.TotalSeconds,
                    rtoSeconds = status.Objectives.Rto.TotalSeconds,
                    drillMaxAgeSeconds = status.Objectives.DrillMaxAge.TotalSeconds,
                },
                stores = status.Local.Select(p => Point(p, now)),
                offSite = status.OffSite is { } o
                    ? new
                    {
                        location = o.Location, listed = o.Listed, unreachable = o.Unreachable, stores = o.Points.Select(p => Point(p, now)),
                    }
                    : null,
                drill = status.Drill is { } d
                    ? new
                    {
                        backup = d.Backup, time = d.Time, passed = d.Passed, restoreSeconds = d.TotalSeconds,
                        ageSeconds = Math.Round((now - d.Time).TotalSeconds), source = d.Source,
                    }
                    : null,
                expectedRestore = status.Estimate is { } e
                    ? new { backup = e.Backup, bytes = e.Bytes, seconds = e.Seconds, scaled = e.Scaled, estimate = true } : null,
                within = status.Within,
                breaches = status.Breaches,
            });
            return;
        }

        if (quiet)
        {
            foreach (var breach in status.Breaches)
            {
                console.Error.WriteLine("warning: " + breach);
            }

            return;
        }

        var objectives = status.Objectives;
        var output = console.Out;
        output.WriteLine($"Objectives: RPO {Durations.Say(objectives.Rpo)}, RTO {Durations.Say(objectives.Rto)}, a drill at most " +
            $"{Durations.Say(objectives.DrillMaxAge)} old (Objectives:*). Read at {now.ToLocalTime():yyyy-MM-dd HH:mm:ss}.");
        output.WriteLine();
        output.WriteLine($"{"STORE",-10} {"NEWEST RECOVERY POINT",-21} {"AGE",-12} FROM");
        Points(output, status.Local, now);
        if (status.OffSite is { } offSite)
        {
            output.WriteLine();
            output.WriteLine(offSite.Listed
                ? $"Off-site, {offSite.Location} (remote listing):"
                : $"Off-site, {offSite.Location}: the remote cannot be listed ({offSite.Unreachable}); what the last pushes recorded:");
            Points(output, offSite.Points, now);
        }

        output.WriteLine();
        output.WriteLine(status.Drill is { } drill
            ? $"Last drill: {drill.Backup}, {Durations.Say(now - drill.Time)} ago, {(drill.Passed ? "proven" : "did not pass")}; its " +
                $"restore took {Durations.Say(TimeSpan.FromSeconds(drill.TotalSeconds))} end to end (from {drill.Source})."
            : "Last drill: none recorded (`summit-dr drill` measures the restore time).");
        if (status.Estimate is { } estimate)
        {
            output.WriteLine(estimate.Scaled
                ? $"Expected restore of {estimate.Backup} ({LoggingProgressReporter.FormatBytes(estimate.Bytes)}): about " +
                    $"{Durations.Say(TimeSpan.FromSeconds(estimate.Seconds))}, an estimate scaled from the last drill by size."
                : $"Expected restore of {estimate.Backup}: {Durations.Say(TimeSpan.FromSeconds(estimate.Seconds))}, as its drill " +
                    "measured it.");
        }

        output.WriteLine();
        if (status.Within)
        {
            output.WriteLine("Within the recovery objectives.");
            return;
        }

        output.WriteLine($"Objectives breached ({status.Breaches.Count}):");
        foreach (var breach in status.Breaches)
        {
            output.WriteLine("  " + breach);
        }
    }

    private static object Point(RecoveryPoint point, DateTimeOffset now) => new
    {
        store = point.Store.ToString().ToLowerInvariant(),
        recoveryPoint = point.At,
        ageSeconds = point.AgeAt(now) is { } age ? Math.Round(age.TotalSeconds) : (double?)null,
        source = point.Source,
        readAt = point.ReadAt,
    };

    private static void Points(TextWriter output, IReadOnlyList<RecoveryPoint> points, DateTimeOffset now)
    {
        foreach (var point in points)
        {
            var at = point.At is { } t ? t.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)
                : "none";
            var age = point.AgeAt(now) is { } a ? Durations.Say(a) : "-";
            output.WriteLine($"{point.Store.ToString().ToLowerInvariant(),-10} {at,-21} {age,-12} {point.Source}");
        }
    }
}
