using System.Globalization;
using System.Text.Json;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests.Support;

/// <summary>A platform with point-in-time recovery on: the archiver started, batches written with their server times.</summary>
internal static class PitrPlatform
{
    public static readonly string[] On = ["--set", "Pitr:Enabled=true"];

    /// <summary>The tool with point-in-time recovery on, driving the platform's engine.</summary>
    public static async Task<ToolRun> ToolAsync(Platform platform, params string[] args) =>
        await ToolRun.RunAsync(platform.WorkDir, [.. args, .. On, .. platform.Engine.ToolArgs]);

    /// <summary>The archiver started and a backup (with its base backup) taken; a `batches` table to write into.</summary>
    public static async Task StartAsync(Platform platform, params string[] settings)
    {
        await platform.PsqlAsync("CREATE TABLE batches (batch int NOT NULL, n int NOT NULL)");
        using (var start = await ToolAsync(platform, ["wal", "start", .. settings]))
        {
            Assert.That(start.ExitCode, Is.Zero, start.Describe());
        }

        using var backup = await ToolAsync(platform, ["backup", "--only", "postgres", .. settings]);
        Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
    }

    /// <summary>One committed batch of rows; a second apart from the last, so a target can fall between them.</summary>
    public static async Task BatchAsync(Platform platform, int batch)
    {
        await Task.Delay(1100);
        await platform.PsqlAsync($"INSERT INTO batches SELECT {batch}, g FROM generate_series(1, 100) g");
    }

    /// <summary>
    /// Batch <paramref name="before"/>, a target time after it, batch <paramref name="after"/> (and <paramref name="alsoAfter"/>),
    /// then waits until the archive holds all of it; returns the target, which a restore to it must stop before <paramref name="after"/>.
    /// </summary>
    public static async Task<string> TargetBetweenAsync(Platform platform, int before, int after, Func<Task>? alsoAfter = null)
    {
        await BatchAsync(platform, before);
        await Task.Delay(600);
        var target = await ServerNowAsync(platform);
        await BatchAsync(platform, after);
        if (alsoAfter is not null)
        {
            await alsoAfter();
        }

        await WaitArchivedAsync(platform);
        return target;
    }

    /// <summary>The server's clock (targets come from it, not the test's).</summary>
    public static async Task<string> ServerNowAsync(Platform platform) =>
        await platform.PsqlAsync("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");

    public static async Task<string> BatchesAsync(Platform platform) =>
        (await platform.PsqlAsync("SELECT string_agg(DISTINCT batch::text, ',' ORDER BY batch::text) FROM batches")).Trim();

    /// <summary>Until the archive holds everything the server wrote.</summary>
    public static async Task WaitArchivedAsync(Platform platform)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string last = string.Empty;
        while (DateTime.UtcNow < deadline)
        {
            using var status = await ToolAsync(platform, "wal", "status", "--json");
            last = status.Describe();
            if (status.ExitCode == 0)
            {
                using var json = JsonDocument.Parse(status.Stdout);
                if (json.RootElement.GetProperty("archiver").GetString() == "running"
                    && json.RootElement.GetProperty("lagBytes") is { ValueKind: JsonValueKind.Number } lag && lag.GetInt64() == 0)
                {
                    return;
                }
            }

            await Task.Delay(500);
        }

        Assert.Fail("the archive did not catch up within 60 s: " + last);
    }

    /// <summary>The archive's branch directories and their segment files (name, complete), in order.</summary>
    public static IReadOnlyList<string> Segments(Platform platform, string? branch = null) =>
        Directory.GetDirectories(Path.Combine(platform.BackupRoot, "wal"))
            .Where(d => branch is null || Path.GetFileName(d) == branch)
            .SelectMany(Directory.GetFiles)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(f => f.Length >= 24 && f[..24].All(Uri.IsHexDigit))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Every segment number from the first to the last is there (complete, or `.partial` for the last).</summary>
    public static void AssertContiguous(IReadOnlyList<string> segments)
    {
        var numbers = segments.Select(
            s => ulong.Parse(s[8..16], NumberStyles.HexNumber, CultureInfo.InvariantCulture) * 256 + ulong.Parse(
                s[16..24], NumberStyles.HexNumber, CultureInfo.InvariantCulture)).Distinct().Order().ToList();
        Assert.That(numbers, Is.Not.Empty);
        var missing = Enumerable.Range(0, (int)(numbers[^1] - numbers[0] + 1)).Select(i => numbers[0] + (ulong)i).Except(numbers).ToList();
        Assert.That(missing, Is.Empty, "segments missing from the archive: " + string.Join(", ", segments));
    }
}
