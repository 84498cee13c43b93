using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// A terminal's Ctrl+C (SIGINT to the tool's whole process group; its docker children run in sessions of their own) at
/// every docker command a backup and a restore run, one run per command, held there by <see cref="DockerShim"/>: each ends
/// 130 with one line that says where it stopped, Neo4j running, nothing live half-changed, no complete-looking backup, and
/// no summit-dr container, volume or lock left behind.
/// </summary>
[TestFixture]
[CancelAfter(1_500_000)]
public sealed class InterruptEveryCommandTests
{
    [Test]
    public async Task Ctrl_C_at_every_command_of_a_backup_ends_130_with_neo4j_running_and_nothing_left()
    {
        await using var platform = await Platform.StartAsync();
        using var shim = DockerShim.Create();
        var calls = await CountAsync(platform, shim, ["backup"]);
        var backups = platform.VisibleBackups();

        var problems = new List<string>();
        for (var call = 1; call <= calls.Count; call++)
        {
            var (run, held) = await InterruptAtAsync(platform, shim, call, ["backup"]);
            using (run)
            {
                problems.AddRange(await ProblemsAsync(platform, run, held, call));
                if (platform.VisibleBackups().Count != backups.Count || platform.UnfinishedBackups().Count > 0)
                {
                    problems.Add($"#{call} ({held}): a backup directory was left: " +
                        string.Join(", ", platform.VisibleBackups().Except(backups).Concat(platform.UnfinishedBackups())));
                }
            }
        }

        Assert.That(problems, Is.Empty, $"interrupted at each of the {calls.Count} commands:\n" + string.Join('\n', calls));
    }

    [Test]
    public async Task Ctrl_C_at_every_command_of_a_restore_ends_130_with_the_platform_as_before_or_restored()
    {
        await using var platform = await Platform.StartAsync();
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        var restored = await PlatformState.CaptureAsync(platform);
        await platform.ChangeEverythingAsync();
        var before = await PlatformState.CaptureAsync(platform);
        using var shim = DockerShim.Create();
        string[] restore = ["restore", "latest", "--yes"];
        var calls = await CountAsync(platform, shim, restore);
        // Back to the changed state for every interruption: the counted run restored the backup.
        await platform.ChangeEverythingAsync();
        before = await PlatformState.CaptureAsync(platform);

        var problems = new List<string>();
        for (var call = 1; call <= calls.Count; call++)
        {
            var (run, held) = await InterruptAtAsync(platform, shim, call, restore);
            using (run)
            {
                problems.AddRange(await ProblemsAsync(platform, run, held, call));
                await TestContext.Progress.WriteLineAsync($"#{call} {held}: exit {run.ExitCode}, {problems.Count} problems so far");
                var now = await PlatformState.CaptureAsync(platform);
                if (!Same(now, before) && !Same(now, restored))
                {
                    problems.Add($"#{call} ({held}): the platform is neither as before nor restored (tables as before " +
                        $"{now.Tables == before.Tables}, as restored {now.Tables == restored.Tables}; nodes {now.Nodes}, before " +
                        $"{before.Nodes}, restored {restored.Nodes}): {run.Stderr.Trim()}");
                    break;
                }

                if (Same(now, restored))
                {
                    // Interrupted after the swap: the restore stands, undoable; the next round starts from the changed state again.
                    using var undo = await ToolRun.RunAsync(platform.WorkDir, "undo", "--yes");
                    if (undo.ExitCode != 0 || !Same(await PlatformState.CaptureAsync(platform), before))
                    {
                        problems.Add($"#{call} ({held}): undo after an interruption past the swap did not put it back: {undo.Describe()}");
                        break;
                    }
                }
            }
        }

        Assert.That(problems, Is.Empty, $"interrupted at each of the {calls.Count} commands:\n" + string.Join('\n', calls));
    }

    private static bool Same(PlatformState a, PlatformState b) =>
        a.Tables == b.Tables && a.Nodes == b.Nodes && a.Uploads.Count == b.Uploads.Count && !a.Uploads.Except(b.Uploads).Any();

    /// <summary>An uninterrupted run through the shim: the commands there are to interrupt at.</summary>
    private static async Task<IReadOnlyList<string>> CountAsync(Platform platform, DockerShim shim, string[] args)
    {
        shim.HoldAt(null);
        using var run = await ToolRun.RunAsync(platform.WorkDir, [.. args, "--docker", shim.Path]);
        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        return shim.Calls;
    }

    private static async Task<(ToolRun Run, string Held)> InterruptAtAsync(Platform platform, DockerShim shim, int call, string[] args)
    {
        shim.HoldAt(call);
        var run = ToolRun.Start(platform.WorkDir, [.. args, "--docker", shim.Path]);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (shim.HeldCall is null && !run.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var held = shim.HeldCall ?? "never reached";
        if (!run.HasExited)
        {
            await run.CtrlCAsync();
            // The held command goes on as a real one would: the terminal's Ctrl+C reached the tool, not it.
            await Task.Delay(200);
            shim.Release();
        }

        await run.WaitAsync(TimeSpan.FromMinutes(3));
        return (run, held);
    }

    private static async Task<IReadOnlyList<string>> ProblemsAsync(Platform platform, ToolRun run, string held, int call)
    {
        var problems = new List<string>();
        var at = $"#{call} ({held})";
        if (held == "never reached")
        {
            // The run took another path this time and ended before this many commands: it must have ended well.
            if (run.ExitCode != 0)
            {
                problems.Add($"{at}: ended {run.ExitCode} without being interrupted: {run.Stderr.Trim()}");
            }

            return problems;
        }

        var last = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim() ?? string.Empty;
        if (run.ExitCode != 130)
        {
            problems.Add($"{at}: exit {run.ExitCode}, not 130: {last}");
        }

        if (!last.StartsWith("summit-dr: ", StringComparison.Ordinal) || !last.Contains("nterrupted", StringComparison.Ordinal))
        {
            problems.Add($"{at}: the last line does not say it was interrupted: {last}");
        }

        if (run.Stderr.Contains("failed: exit code", StringComparison.Ordinal)
            || run.Stderr.Contains("not reachable", StringComparison.Ordinal))
        {
            problems.Add($"{at}: a child the interrupt ended is reported as a failure: {run.Stderr.Trim()}");
        }

        if (!await platform.Neo4jAnswersAsync())
        {
            problems.Add($"{at}: Neo4j does not answer");
        }

        // This platform's one-offs (named after its containers) and its lock (labelled with its backup root).
        var rows = (await Sh.DockerAsync(
            "ps", "-a", "--filter", "name=summit-dr-", "--format", "{{.Names}}\t{{.Label \"summit-dr.lock.root\"}}")).StandardOutput;
        var left = rows.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => r.Split('\t'))
            .Where(r => (r[0].Contains(platform.Neo4j, StringComparison.Ordinal)
                || r[0].Contains(platform.Postgres, StringComparison.Ordinal) || (r.Length > 1 && r[1] == platform.BackupRoot))
                && !r[0].StartsWith("summit-dr-wal-", StringComparison.Ordinal))
            .Select(r => r[0]).ToList();
        if (left.Count > 0)
        {
            problems.Add($"{at}: left behind: {string.Join(", ", left)}");
            await Sh.DockerAsync(["rm", "-f", .. left]);
        }

        if (File.Exists(Path.Combine(platform.BackupRoot, ".summit-dr-stopped.json")))
        {
            problems.Add($"{at}: a stop journal was left: Neo4j's stop is not settled");
        }

        return problems;
    }
}
