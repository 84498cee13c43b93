using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Summit.Dr.Testing;

namespace Summit.Dr.Benchmark;

/// <summary>
/// Seeds a platform of a chosen size on the real engine and times summit-dr against the runbook's commands
/// run by hand on the same data, in alternating rounds; reports the best of each and the ratios. Absolute
/// times on shared machines vary from run to run; the ratios are the result.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var rows = Option(args, "--rows", 300_000);
        var nodes = Option(args, "--nodes", 20_000);
        var uploadMegabytes = Option(args, "--uploads-mb", 200);
        var files = Option(args, "--files", 400);
        var rounds = Option(args, "--rounds", 2);

        foreach (var script in new[] { Path.Combine(Repo.Root, ".ci", "docker-engine.sh"), Path.Combine(Repo.Root, "test", "fixtures", "build-images.sh") })
        {
            await Sh.RequireAsync("bash", script);
        }

        await using var platform = await Platform.StartAsync(seed: false);
        Console.Error.WriteLine($"seeding {rows} rows, {nodes} nodes, {files} files ({uploadMegabytes} MiB) ...");
        await SeedAsync(platform, rows, nodes, uploadMegabytes, files);
        var databaseBytes = long.Parse(await platform.PsqlAsync("SELECT pg_database_size(current_database())"), CultureInfo.InvariantCulture);

        var results = new Dictionary<string, List<(Measurement Runbook, Measurement Tool)>>();
        for (var round = 1; round <= rounds; round++)
        {
            Console.Error.WriteLine($"round {round} of {rounds} ...");
            var manual = Path.Combine(platform.WorkDir, "by-hand", round.ToString(CultureInfo.InvariantCulture));
            var runbookBackup = await RunbookByHand.BackupAsync(platform, manual);
            var (toolBackup, _) = await ToolMeasure.RunAsync(platform, "backup");
            Add(results, "backup", runbookBackup, toolBackup);

            var runbookRestore = await RunbookByHand.RestoreAsync(platform, manual);
            var (toolRestore, outcome) = await ToolMeasure.RunAsync(platform, "restore", "latest", "--yes", "--no-safety-backup");
            var neo4jStep = outcome.RootElement.GetProperty("steps").EnumerateArray().First(s => s.GetProperty("name").GetString() == "restore neo4j").GetProperty("seconds").GetDouble();
            Add(results, "restore", runbookRestore, toolRestore with { Neo4jDowntime = neo4jStep });

            var (fullRestore, _) = await ToolMeasure.RunAsync(platform, "restore", "latest", "--yes");
            Add(results, "restore+safety", runbookRestore, fullRestore);
        }

        Report(rows, nodes, files, uploadMegabytes, databaseBytes, rounds, results);
        return 0;
    }

    private static void Report(int rows, int nodes, int files, int uploadMegabytes, long databaseBytes, int rounds, Dictionary<string, List<(Measurement Runbook, Measurement Tool)>> results)
    {
        static double Best(IEnumerable<double?> values) => values.Where(v => v is not null).Min(v => v!.Value);
        var output = new StringBuilder();
        output.AppendLine(CultureInfo.InvariantCulture, $"summit-dr benchmark: {rows} rows ({databaseBytes / (1024.0 * 1024):0} MiB database), {nodes} Neo4j nodes (stand-in), {files} upload files ({uploadMegabytes} MiB); best of {rounds} rounds");
        output.AppendLine();
        output.AppendLine("| measure | runbook by hand | summit-dr | runbook / summit-dr |");
        output.AppendLine("| --- | ---: | ---: | ---: |");
        void Row(string name, double runbook, double tool) =>
            output.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {runbook:0.0} s | {tool:0.0} s | {runbook / tool:0.00}x |");
        Row("backup, total", Best(results["backup"].Select(r => (double?)r.Runbook.Seconds)), Best(results["backup"].Select(r => (double?)r.Tool.Seconds)));
        Row("backup, Neo4j down (stop to answering)", Best(results["backup"].Select(r => r.Runbook.Neo4jDowntime)), Best(results["backup"].Select(r => r.Tool.Neo4jDowntime)));
        Row("restore, total (no safety backup)", Best(results["restore"].Select(r => (double?)r.Runbook.Seconds)), Best(results["restore"].Select(r => (double?)r.Tool.Seconds)));
        Row("restore, Neo4j down", Best(results["restore"].Select(r => r.Runbook.Neo4jDowntime)), Best(results["restore"].Select(r => r.Tool.Neo4jDowntime)));
        Row("restore with verification and safety backup", Best(results["restore+safety"].Select(r => (double?)r.Runbook.Seconds)), Best(results["restore+safety"].Select(r => (double?)r.Tool.Seconds)));
        var peak = results.Values.SelectMany(r => r).Max(r => r.Tool.PeakBytes ?? 0);
        output.AppendLine();
        output.AppendLine(CultureInfo.InvariantCulture, $"summit-dr peak resident memory over every run: {peak / (1024.0 * 1024):0} MiB (artifacts are streamed, never held in memory).");
        Console.WriteLine(output);
    }

    private static void Add(Dictionary<string, List<(Measurement, Measurement)>> results, string key, Measurement runbook, Measurement tool)
    {
        if (!results.TryGetValue(key, out var list))
        {
            results[key] = list = [];
        }

        list.Add((runbook, tool));
    }

    private static async Task SeedAsync(Platform platform, int rows, int nodes, int uploadMegabytes, int files)
    {
        await platform.PsqlAsync($"""
            CREATE TABLE events (id bigint PRIMARY KEY, tenant int NOT NULL, kind text NOT NULL, payload jsonb NOT NULL, note text);
            INSERT INTO events SELECT g, g % 50, 'kind' || (g % 7), jsonb_build_object('n', g, 'hash', md5(g::text)), repeat(md5(g::text), 4) FROM generate_series(1, {rows}) g;
            CREATE INDEX events_tenant ON events (tenant);
            ANALYZE events;
            """);
        await platform.CypherAsync($"UNWIND range(1, {nodes}) AS i CREATE (:Entity {{id: i}})");
        var random = new Random(7);
        var perFile = uploadMegabytes * 1024L * 1024 / files;
        for (var i = 0; i < files; i++)
        {
            var directory = Path.Combine(platform.Uploads, "imports", (i % 20).ToString("00", CultureInfo.InvariantCulture));
            Directory.CreateDirectory(directory);
            // Half incompressible evidence (images, archives), half CSV-like text.
            var bytes = i % 2 == 0 ? RandomNumberGenerator.GetBytes((int)perFile) : CsvLike(random, (int)perFile);
            await File.WriteAllBytesAsync(Path.Combine(directory, $"evidence-{i:0000}.{(i % 2 == 0 ? "bin" : "csv")}"), bytes);
        }
    }

    private static byte[] CsvLike(Random random, int size)
    {
        var text = new StringBuilder(size + 100);
        while (text.Length < size)
        {
            text.Append(CultureInfo.InvariantCulture, $"{random.Next()},{random.Next(1000)},entity-{random.Next(100000)},{random.NextDouble():0.0000}\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, size));
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
