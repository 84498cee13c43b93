using System.Globalization;
using System.Text.RegularExpressions;
using Summit.Dr.Errors;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Postgres;

namespace Summit.Dr.Stores.Wal;

/// <summary>
/// What the staged WAL says about the target, read with the platform's own `pg_waldump` before anything is
/// touched: the last transaction that ended at or before the target (recovery must reach exactly it), whether
/// one ends after it (recovery stops before that one; without one, it replays to the end, which is the same
/// state), and where the readable WAL ends.
/// </summary>
public sealed record WalReading(DateTimeOffset? LastBefore, DateTimeOffset? FirstAfter, ulong? EndLsn);

public static partial class WalDump
{
    /// <summary>pg_waldump over one timeline's run of staged segments, transaction records only, in UTC.</summary>
    public static ProcessSpec Spec(PostgresWorkbench bench, uint timeline, string first, string last) =>
        bench.Exec(["env", "TZ=UTC", "LC_ALL=C", "pg_waldump", "-p", bench.StagingDirectory, "-t",
            timeline.ToString(CultureInfo.InvariantCulture), "-r", "Transaction", first, last]);

    /// <summary>The runs of segments per timeline, in order (a path through a switch reads each timeline's files with its own).</summary>
    public static IReadOnlyList<(uint Timeline, string First, string Last)> Runs(RecoveryPlan plan)
    {
        var runs = new List<(uint, string, string)>();
        foreach (var group in plan.Segments.GroupBy(s => s.LaidName[..8], StringComparer.Ordinal))
        {
            runs.Add((uint.Parse(group.Key, NumberStyles.HexNumber, CultureInfo.InvariantCulture), group.First().LaidName,
                group.Last().LaidName));
        }

        return runs;
    }

    /// <summary>
    /// pg_waldump over the staged WAL, a run per timeline: every transaction's end time, where recovery must stop. A run
    /// after the one that found the first transaction past the target is not needed, and does not run.
    /// </summary>
    public static Script Read(PostgresWorkbench bench, RecoveryPlan plan, Action<WalReading> read)
    {
        DateTimeOffset? before = null;
        DateTimeOffset? after = null;
        ulong? end = null;
        var runs = Runs(plan);
        var script = Script.Say("every transaction's end time: where recovery must stop");
        foreach (var (timeline, first, last) in runs)
        {
            var final = (timeline, first, last) == runs[^1];
            script = script.Then(new RunCommand(Spec(bench, timeline, first, last), (result, _) =>
            {
                foreach (Match match in Ended().Matches(result.StandardOutput))
                {
                    var time = DateTimeOffset.ParseExact(match.Groups["time"].Value, ["yyyy-MM-dd HH:mm:ss.FFFFFF", "yyyy-MM-dd " +
                        "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                    if (time <= plan.Target)
                    {
                        before = time;
                    }
                    else
                    {
                        after ??= time;
                    }
                }

                // pg_waldump stops at the end of readable WAL (the unwritten rest of the segment still being written)
                // and names the last record it read; a run that reads to its last segment's end exits 0. A run before a
                // timeline switch ends where its records cross into the next timeline's file: the next run reads on.
                if (final && !result.Succeeded)
                {
                    end = Stopped().Match(result.StandardError) is { Success: true } stop
                        ? WalFileName.ParseLsn(stop.Groups["lsn"].Value)
                        : throw new IntegrityException($"pg_waldump cannot read the staged WAL from {first}: {result.ErrorSummary}. " +
                            $"Nothing was touched.");
                }

                return Task.CompletedTask;
            })
            {
                Through = async (spec, run, _) =>
                {
                    if (after is null)
                    {
                        await run(spec);
                    }
                },
            });
        }

        return script.Then(Script.Do(() => read(new WalReading(before, after, end))));
    }

    [GeneratedRegex(@"desc: (?:COMMIT|ABORT)(?:_PREPARED \d+:)? (?<time>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?) UTC")]
    private static partial Regex Ended();

    [GeneratedRegex(@"error in WAL record at (?<lsn>[0-9A-F]+/[0-9A-F]+)")]
    private static partial Regex Stopped();
}
