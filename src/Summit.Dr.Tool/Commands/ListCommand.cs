using System.Globalization;
using McMaster.Extensions.CommandLineUtils;
using Microsoft.Extensions.DependencyInjection;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.List;
using Summit.Dr.Progress;
using Summit.Dr.Tool.Hosting;
using Summit.Dr.Tool.Terminal;

namespace Summit.Dr.Tool.Commands;

[Command("list", Description = "List backups, newest first: name, time, age, size, components and state.",
    ExtendedHelpText = """

        States: complete; safety (taken by restore); legacy (no manifest: made by the runbook's scripts);
        incomplete (unfinished work, never restored or offered as latest); corrupt (a cheap check failed;
        `summit-dr check` tells more). LAST DRILLED: when `summit-dr drill` last ran on it and its result.
        Then what the last restore kept aside for `summit-dr undo`, with sizes.
        Exit codes: 0; 2 usage.
        """)]
public sealed class ListCommand
{
    [Option("--json", Description = "Write the list as one JSON document to stdout.")]
    public bool Json { get; set; }

    [Option("--remote", Description = "List the backups off-site (Remote:*) instead: complete, incomplete (a push did not finish) or " +
        "corrupt.")]
    public bool Remote { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute() =>
        OperationHost.Run(Parent.ToGlobalOptions(), new CommandRun("list", Json), async (services, console, cancellationToken) =>
        {
            if (Remote)
            {
                return await ListRemoteAsync(services, console, cancellationToken);
            }

            var listing = await services.GetRequiredService<ListOperation>().ListLocalAsync(cancellationToken);
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var entries = listing.Backups;
            var kept = listing.Kept;
            if (Json)
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
                return ExitCodes.Success;
            }

            if (entries.Count == 0)
            {
                console.Error.WriteLine($"No backups in {listing.Root}. Make one with `summit-dr backup`.");
                KeptReport.Write(console.Out, kept);
                return ExitCodes.Success;
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

            return ExitCodes.Success;
        });

    private async Task<int> ListRemoteAsync(IServiceProvider services, ToolConsole console, CancellationToken cancellationToken)
    {
        var entries = await services.GetRequiredService<ListOperation>().ListRemoteAsync(cancellationToken);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (Json)
        {
            console.WriteJson(new
            {
                schemaVersion = 1,
                command = "list",
                remote = true,
                backups = entries.Select(e => JsonEntry(e, now, "location")),
            });
            return ExitCodes.Success;
        }

        if (entries.Count == 0)
        {
            console.Error.WriteLine("No backups off-site yet. Push one with `summit-dr push latest`.");
            return ExitCodes.Success;
        }

        console.Out.WriteLine($"{"NAME",-28} {"TIME",-19} {"AGE",8} {"SIZE",10}  {"COMPONENTS",-22} STATE");
        foreach (var e in entries)
        {
            console.Out.WriteLine($"{Columns(e, now)} {State(e)}");
        }

        return ExitCodes.Success;
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
