using Summit.Dr.Model;
using Summit.Dr.Operations.Backup;
using Summit.Dr.Operations.Remote;
using Summit.Dr.Progress;
using Summit.Dr.Tool.Terminal;


namespace Summit.Dr.Tool.Commands;

/// <summary>How a finished backup is shown: a short summary on stderr, or one JSON document on stdout.</summary>
internal static class BackupReport
{
    public static void Write(ToolConsole console, BackupResult result, bool json, PushResult? pushed = null)
    {
        var manifest = result.Manifest ?? throw new ArgumentException("A dry run has no manifest to report.", nameof(result));
        if (json)
        {
            console.WriteJson(new
            {
                schemaVersion = 1,
                command = "backup",
                status = "succeeded",
                exitCode = 0,
                directory = result.Directory,
                name = manifest.Name,
                durationSeconds = Math.Round(result.Duration.TotalSeconds, 3),
                neo4jDowntimeSeconds = manifest.Neo4j.DowntimeSeconds,
                artifacts = manifest.Artifacts.Select(a => new { file = a.File, size = a.Size, sha256 = a.Sha256 }),
                steps = result.Timeline,
                warnings = manifest.Warnings,
                pushed = pushed is null ? null
                    : new { location = pushed.Location, bytes = pushed.Bytes, alreadyThere = pushed.AlreadyThere },
                manifest,
            });
            return;
        }

        var size = manifest.Artifacts.Sum(a => a.Size);
        var downtime = manifest.Neo4j.DowntimeSeconds is { } d
            ? $", Neo4j down {d:0.0} s" + (manifest.Neo4j.Offline is { } work
                ? $" for its {(work.Work == "copy" ? "copy" : "dump")} of {work.Seconds:0.0} s"
                : string.Empty)
            : string.Empty;
        console.Error.WriteLine($"Backup complete: {result.Directory} ({LoggingProgressReporter.FormatBytes(size)} in " +
            $"{result.Duration.TotalSeconds:0.0} s{downtime})");
        foreach (var warning in manifest.Warnings)
        {
            console.Error.WriteLine($"warning: {warning}");
        }

        if (manifest.Uploads.Status == ComponentStatus.Missing)
        {
            console.Error.WriteLine("The uploads directory was missing; set Uploads:Path if it lives elsewhere.");
        }
    }
}
