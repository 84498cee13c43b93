using System.Security.Cryptography;
using System.Text.Json;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// A backup root's writer racing the restore: each artifact is renamed over by a substitute (another backup's) the
/// moment summit-dr opens it, as TESTING.md's inotify race does. summit-dr reads every artifact once through the handle
/// it opened and runs only the copy it checked, so no byte of a substitute reaches pg_restore, neo4j-admin or the
/// uploads tree. And a backup is what its name says.
/// </summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class HostileArtifactTests
{
    [Test]
    public async Task Artifacts_renamed_over_right_after_summit_dr_opens_them_never_reach_the_tools_that_restore()
    {
        await using var platform = await Platform.StartAsync();
        var original = await BackUpAsync(platform);
        var wanted = await PlatformState.CaptureAsync(platform);
        await platform.PsqlAsync("CREATE TABLE substitute_marker (x int); INSERT INTO substitute_marker VALUES (1)");
        await platform.CypherAsync("UNWIND range(1, 5) AS i CREATE (:Substitute {id: i})");
        File.WriteAllText(Path.Combine(platform.Uploads, "substitute-marker.txt"), "planted");
        var substitute = await BackUpAsync(platform);
        var planted = new Dictionary<string, string>();
        var watchers = new List<OpenWatcher>();
        foreach (var file in new[] { "postgres.dump", "neo4j.dump", "uploads.tar.gz" })
        {
            planted[file] = Sha(Path.Combine(substitute, file));
            watchers.Add(OpenWatcher.Start(Path.Combine(original, file), Path.Combine(substitute, file)));
        }

        ToolRun restore;
        try
        {
            restore = await ToolRun.RunAsync(platform.WorkDir, "restore", Path.GetFileName(original), "--yes");
        }
        finally
        {
            watchers.ForEach(w => w.Dispose());
        }

        using (restore)
        {
            Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
            Assert.Multiple(() =>
            {
                Assert.That(watchers.Select(w => w.Swapped), Is.All.True, "every artifact was renamed over once summit-dr had opened it");
                foreach (var (file, sha) in planted)
                {
                    Assert.That(Sha(Path.Combine(original, file)), Is.EqualTo(sha), $"{file} in the backup is the substitute now");
                }
            });
            wanted.AssertEqual(await PlatformState.CaptureAsync(platform), "the original backup came back: no byte of a substitute ran");
            Assert.That(await platform.PsqlAsync("SELECT to_regclass('substitute_marker') IS NULL"), Is.EqualTo("t"));
        }
    }

    [Test]
    public async Task A_backup_copied_under_another_name_is_refused_with_4()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        var backup = await BackUpAsync(platform, "--only", "postgres");
        var copy = Path.Combine(platform.BackupRoot, "29990101_000000");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(backup))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        using var restore = await ToolRun.RunAsync(platform.WorkDir, "restore", "29990101_000000", "--yes");

        Assert.That(restore.ExitCode, Is.EqualTo(4), restore.Describe());
        Assert.That(restore.Stderr, Does.Contain($"was written for the backup '{Path.GetFileName(backup)}'"));
    }

    [Test]
    public async Task Latest_names_the_newer_backups_it_passes_over_because_they_fail_the_trust_check()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        using var host = await GpgHome.CreateAsync("Backup host <backup@example.test>", algorithm: "ed25519");
        var signing = new[] { "--set", "Signing:SecretKeyFile=" + host.SecretKeyFile };
        var older = await BackUpAsync(platform, ["--only", "postgres", .. signing]);
        await Task.Delay(1100);
        var newer = await BackUpAsync(platform, ["--only", "postgres", .. signing]);
        File.Delete(Path.Combine(newer, "manifest.json.sig"));

        using var check = await ToolRun.RunAsync(
            platform.WorkDir, "check", "latest", "--json", "--set", "Signing:TrustedKeyFiles=" + host.PublicKeyFile);

        Assert.That(check.ExitCode, Is.Zero, check.Describe());
        using var json = JsonDocument.Parse(check.Stdout);
        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("backup").GetString(), Does.EndWith(Path.GetFileName(older)));
            Assert.That(check.Stderr, Does.Contain($"latest is {Path.GetFileName(older)}: it passes over the newer " +
                $"{Path.GetFileName(newer)}"));
            Assert.That(check.Stdout, Does.Contain($"passes over the newer {Path.GetFileName(newer)}"), "the JSON says it too");
        });
    }

    private static async Task<string> BackUpAsync(Platform platform, params string[] args)
    {
        var before = platform.VisibleBackups().ToHashSet();
        using var backup = await ToolRun.RunAsync(platform.WorkDir, ["backup", .. args]);
        Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        return Path.Combine(platform.BackupRoot, platform.VisibleBackups().Single(b => !before.Contains(b)));
    }

    private static string Sha(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
