using Summit.Dr.Testing;


namespace Summit.Dr.IntegrationTests;

/// <summary>
/// Private by default, whatever the umask: under umask 000 every directory summit-dr makes (the backup root, a
/// backup, what a restore keeps aside, a drill's scratch directory) is 0700 and every file it writes (artifacts,
/// manifest, log, journal, undo record) 0600, asserted with stat.
/// </summary>
[TestFixture]
[CancelAfter(600_000)]
public sealed class PrivateFilesTests
{
    [Test]
    public async Task Under_umask_000_everything_summit_dr_writes_is_its_owners_only()
    {
        await using var platform = await Platform.StartAsync();
        await platform.SetKnobAsync("dump-slow", "3");
        using var backup = Start(platform, "backup");
        var journal = Path.Combine(platform.BackupRoot, ".summit-dr-stopped.json");
        string? journalMode = null;
        while (!backup.HasExited)
        {
            if (File.Exists(journal))
            {
                journalMode = await ModeAsync(journal);
                break;
            }

            await Task.Delay(50);
        }

        await backup.WaitAsync(TimeSpan.FromMinutes(3));
        Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        await platform.ClearKnobAsync("dump-slow");
        using var restore = Start(platform, "restore", "latest", "--yes");
        await restore.WaitAsync(TimeSpan.FromMinutes(3));
        Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
        using var drill = Start(platform, "drill", "latest", "--keep");
        await drill.WaitAsync(TimeSpan.FromMinutes(5));
        Assert.That(drill.ExitCode, Is.Zero, drill.Describe());
        var scratch = drill.Stderr.Split('\n').First(l => l.StartsWith("Kept for inspection", StringComparison.Ordinal)).Split(
            "directory ")[1].TrimEnd('.', ' ', '\r');
        try
        {
            var backupDir = Path.Combine(platform.BackupRoot, platform.VisibleBackups().Single());
            var kept = Directory.GetDirectories(Path.GetDirectoryName(platform.Uploads)!, ".summit-dr-kept-*").Single();
            var modes = new Dictionary<string, string?>
            {
                [platform.BackupRoot] = "700",
                [backupDir] = "700",
                [kept] = "700",
                [scratch] = "700",
                [Path.Combine(platform.BackupRoot, ".summit-dr-undo.json")] = "600",
            };
            foreach (var file in Directory.GetFiles(backupDir))
            {
                modes[file] = "600";
            }

            Assert.Multiple(async () =>
            {
                Assert.That(journalMode, Is.EqualTo("600"), "the stop journal, while Neo4j was down");
                foreach (var (path, mode) in modes)
                {
                    Assert.That(await ModeAsync(path), Is.EqualTo(mode), path);
                }

                Assert.That(modes.Keys.Count(k => k.EndsWith(".dump", StringComparison.Ordinal)), Is.EqualTo(2), "both dumps were " +
                    "checked, the one neo4j-admin wrote too");
            });
        }
        finally
        {
            await Sh.RunAsync("sh", ["-c", "docker rm -f $(docker ps -aq --filter label=summit-dr.drill) ; docker volume rm -f $(docker " +
                "volume ls -q --filter label=summit-dr.drill)"]);
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>The tool under `umask 000`, which would make everything world-writable if the tool relied on it.</summary>
    private static ToolRun Start(Platform platform, params string[] args) =>
        ToolRun.Start(platform.WorkDir, ["-c", "umask 000 && exec dotnet \"$0\" \"$@\"", Repo.ToolDll, .. args], executable: "/bin/sh");

    private static async Task<string> ModeAsync(string path) => (await Sh.RequireAsync("stat", "-c", "%a", path)).Trim();
}
