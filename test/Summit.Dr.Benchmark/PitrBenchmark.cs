using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Summit.Dr.Testing;

namespace Summit.Dr.Benchmark;

/// <summary>
/// Point-in-time recovery, measured on the real engine and PostgreSQL: the recovery point the archiver gives
/// (how long after a commit returns its bytes are in the archive's file), with and without
/// `pg_receivewal --synchronous`, and what either costs the platform (a run of single-row commits, the archiver
/// off and on); then a restore to a point in time with a database of each size and as much WAL again to replay.
/// </summary>
internal static class PitrBenchmark
{
    private const long MiB = 1024 * 1024;
    private const int Commits = 2000;
    private const int Probes = 20;
    private static readonly string[] On = ["--set", "Pitr:Enabled=true"];

    public static async Task<string> RunAsync(IReadOnlyList<int> sizes, int rounds)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Point-in-time recovery, medians of {rounds} rounds. Reproduce: `dotnet run -c " +
            $"Release --project test/Summit.Dr.Benchmark -- --pitr --sizes {string.Join(',', sizes)}`");
        text.AppendLine();
        text.AppendLine("| archiver | recovery point: a commit's bytes in the archive after | platform: 2000 single-row commits |");
        text.AppendLine("| --- | ---: | ---: |");
        await using (var platform = await Platform.StartAsync(seed: false))
        {
            await platform.PsqlAsync("CREATE TABLE probes (marker text NOT NULL)");
            text.AppendLine(CultureInfo.InvariantCulture, $"| none | | {Report.Median(await CommitsAsync(platform, rounds)):0.00} s |");
            foreach (var synchronous in new[] { false, true })
            {
                await Tool(platform, "wal", "start", "--set", $"Pitr:Synchronous={synchronous}");
                var rpo = await RecoveryPointAsync(platform);
                var commits = await CommitsAsync(platform, rounds);
                text.AppendLine(CultureInfo.InvariantCulture, $"| {(synchronous ? "`--synchronous`" : "default")} | " +
                    $"{Report.Median(rpo)! * 1000:0} ms (max {rpo.Max()! * 1000:0} ms) | {Report.Median(commits):0.00} s |");
                await Tool(platform, "wal", "stop");
            }
        }

        text.AppendLine();
        text.AppendLine("| database | WAL replayed | restore --to, total | plan | verify and stage | keep, lay, recover |");
        text.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var megabytes in sizes)
        {
            text.AppendLine(await RestoreToPointAsync(megabytes, rounds));
        }

        return text.ToString();
    }

    /// <summary>Seconds from a commit's return to its marker in the archive's file, for <see cref="Probes"/> commits.</summary>
    private static async Task<List<double?>> RecoveryPointAsync(Platform platform)
    {
        var delays = new List<double?>();
        for (var i = 0; i < Probes; i++)
        {
            var marker = "probe-" + Guid.NewGuid().ToString("N");
            var lsn = await platform.PsqlAsync("SELECT pg_current_wal_insert_lsn()");
            await platform.PsqlAsync($"INSERT INTO probes VALUES ('{marker}')");
            var returned = Stopwatch.GetTimestamp();
            var file = (await platform.PsqlAsync($"SELECT pg_walfile_name('{lsn}')")).Trim();
            var offset = Lsn(lsn) % (16 * MiB);
            while (!Contains(platform, file, (long)offset, marker))
            {
                if (Stopwatch.GetElapsedTime(returned) > TimeSpan.FromSeconds(30))
                {
                    throw new InvalidOperationException($"{marker} did not reach the archive within 30 s");
                }

                await Task.Delay(2);
            }

            delays.Add(Stopwatch.GetElapsedTime(returned).TotalSeconds);
            await Task.Delay(200);
        }

        return delays;
    }

    private static bool Contains(Platform platform, string segment, long offset, string marker)
    {
        var path = Directory.GetDirectories(Path.Combine(platform.BackupRoot, "wal"))
            .SelectMany(d => new[] { Path.Combine(d, segment + ".partial"), Path.Combine(d, segment) })
            .FirstOrDefault(File.Exists);
        if (path is null)
        {
            return false;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var buffer = new byte[(int)Math.Min(256 * 1024, Math.Max(0, stream.Length - offset))];
        stream.Position = offset;
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return buffer.AsSpan(0, read).IndexOf(Encoding.ASCII.GetBytes(marker)) >= 0;
    }

    /// <summary>Seconds for <see cref="Commits"/> single-row transactions from one psql session.</summary>
    private static async Task<List<double?>> CommitsAsync(Platform platform, int rounds)
    {
        var script = string.Concat(Enumerable.Range(0, Commits).Select(i => $"INSERT INTO probes VALUES ('c{i}');\n"));
        var times = new List<double?>();
        for (var round = 0; round < rounds; round++)
        {
            var started = Stopwatch.GetTimestamp();
            await Sh.RunAsync(
                "docker", ["exec", "-i", platform.Postgres, "psql", "-U", platform.User, "-d", platform.Database, "-q", "-X"],
                stdin: new MemoryStream(Encoding.UTF8.GetBytes(script)));
            times.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }

        return times;
    }

    private static async Task<string> RestoreToPointAsync(int megabytes, int rounds)
    {
        await using var platform = await Platform.StartAsync(seed: false);
        Console.Error.WriteLine($"restore to a point, {megabytes} MB: seeding ...");
        await platform.PsqlAsync("CREATE TABLE events (id bigint PRIMARY KEY, note text NOT NULL)");
        var rows = megabytes * MiB / 200;
        await platform.PsqlAsync($"INSERT INTO events SELECT g, repeat(md5(g::text), 3) FROM generate_series(1, {rows}) g");
        await Tool(platform, "wal", "start");
        await Tool(platform, "backup", "--only", "postgres");
        var database = long.Parse(await platform.PsqlAsync("SELECT pg_database_size(current_database())"), CultureInfo.InvariantCulture);
        var from = await platform.PsqlAsync("SELECT pg_current_wal_lsn()");
        // As much WAL again as the database holds, in transactions of a tenth each.
        for (var pass = 0; Lsn(await platform.PsqlAsync("SELECT pg_current_wal_lsn()")) - Lsn(from) < (ulong)database; pass++)
        {
            await platform.PsqlAsync($"UPDATE events SET note = md5(note || '{pass}') WHERE id % 10 = {pass % 10}");
        }

        var wal = (long)(Lsn(await platform.PsqlAsync("SELECT pg_current_wal_lsn()")) - Lsn(from));
        var target = await platform.PsqlAsync("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
        await Task.Delay(1500);
        await platform.PsqlAsync("INSERT INTO events VALUES (0, 'after the target')");
        await Task.Delay(3000);
        var (totals, plan, prepare, swap) = (new List<double?>(), new List<double?>(), new List<double?>(), new List<double?>());
        for (var round = 0; round < rounds; round++)
        {
            var started = Stopwatch.GetTimestamp();
            using var outcome = await ToolJson(platform, "restore", "--to", target, "--only", "postgres", "--yes");
            totals.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
            var steps = outcome.RootElement.GetProperty("steps").EnumerateArray().ToDictionary(
                s => s.GetProperty("name").GetString()!, s => s.GetProperty("seconds").GetDouble());
            plan.Add(steps.GetValueOrDefault("plan point in time"));
            prepare.Add(steps.GetValueOrDefault("verify backup"));
            swap.Add(steps.Where(s => s.Key.StartsWith("restore postgres to", StringComparison.Ordinal)).Sum(s => s.Value));
            Console.Error.WriteLine($"  round {round + 1}: {totals[^1]:0.0} s");
            await Tool(platform, "undo", "--yes");
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"| {database / MiB} MiB | {wal / MiB} MiB | {Report.Median(totals):0.0} s | {Report.Median(plan):0.0} s | " +
                $"{Report.Median(prepare):0.0} s | {Report.Median(swap):0.0} s |");
    }

    private static async Task Tool(Platform platform, params string[] args)
    {
        using var run = await ToolRun.RunAsync(platform.WorkDir, [.. args, .. On]);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException(run.Describe());
        }
    }

    private static async Task<JsonDocument> ToolJson(Platform platform, params string[] args)
    {
        using var run = await ToolRun.RunAsync(platform.WorkDir, [.. args, "--json", .. On]);
        return run.ExitCode == 0 ? JsonDocument.Parse(run.Stdout) : throw new InvalidOperationException(run.Describe());
    }

    private static ulong Lsn(string text)
    {
        var parts = text.Trim().Split('/');
        return (ulong.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture) << 32) | ulong.Parse(
            parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
