using Summit.Dr.Testing;


namespace Summit.Dr.IntegrationTests;

/// <summary>
/// Uploads come back as they were, as GNU tar run as root puts them back: owner and group (a uid the platform's
/// server writes as, 1000 here), a setgid directory, a 0640 file and every time, the uploads root's too. An
/// archive made by the runbook's own `tar czf` restores with the same fidelity as `tar xzf` as root; a restore
/// as another user keeps modes and times and says which owners it could not give back.
/// </summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class UploadsOwnershipTests
{
    [Test]
    public async Task A_restore_as_root_gives_every_entry_its_owner_group_mode_and_time_back()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        await ShapeAsync(platform.Uploads);
        var before = await StatAsync(platform.Uploads);
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup", "--only", "uploads"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        await Sh.RequireAsync("sh", "-c", $"chown -R 0:0 '{platform.Uploads}' && chmod -R 755 '{platform.Uploads}' && touch " +
            $"'{platform.Uploads}/imports/a.csv'");
        using var restore = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest", "--yes");

        Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
        Assert.That(await StatAsync(platform.Uploads), Is.EqualTo(before), "owner:group mode mtime of every entry, the root's too");
    }

    [Test]
    public async Task An_archive_the_runbook_made_restores_as_gnu_tar_as_root_restores_it()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        await ShapeAsync(platform.Uploads);
        var legacy = Directory.CreateDirectory(Path.Combine(platform.BackupRoot, "20250925_120000")).FullName;
        await Sh.RequireAsync(
            "tar", "-czf", Path.Combine(legacy, "uploads.tar.gz"), "-C", Path.GetDirectoryName(platform.Uploads)!, "uploads");
        var byTar = Directory.CreateTempSubdirectory("summit-dr-gnutar-").FullName;
        await Sh.RequireAsync("tar", "-xzf", Path.Combine(legacy, "uploads.tar.gz"), "-C", byTar);
        await Sh.RequireAsync("rm", "-rf", platform.Uploads);

        using var restore = await ToolRun.RunAsync(platform.WorkDir, "restore", legacy, "--yes");

        Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
        Assert.That(await StatAsync(platform.Uploads), Is.EqualTo(await StatAsync(Path.Combine(byTar, "uploads"))));
        Directory.Delete(byTar, recursive: true);
    }

    [Test]
    public async Task A_restore_as_another_user_keeps_modes_and_times_and_says_what_it_could_not()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        await ShapeAsync(platform.Uploads);
        var before = await StatAsync(platform.Uploads);
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup", "--only", "uploads"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        // The platform's directory handed to uid 2000, who then restores: it may not give files to uid 1000.
        await Sh.RequireAsync("chown", "-R", "2000:2000", platform.WorkDir);
        var home = Directory.CreateTempSubdirectory("summit-dr-home-").FullName;
        await Sh.RequireAsync("chown", "2000:2000", home);
        using var restore = ToolRun.Start(
            platform.WorkDir,
            ["--reuid=2000", "--regid=2000", "--clear-groups", "env", $"HOME={home}", $"DOTNET_CLI_HOME={home}", "dotnet", Repo.ToolDll,
                "restore", "latest", "--only", "uploads", "--yes"], executable: "setpriv");
        await restore.WaitAsync(TimeSpan.FromMinutes(2));

        var after = await StatAsync(platform.Uploads);
        Assert.Multiple(() =>
        {
            Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
            Assert.That(restore.Stderr, Does.Contain("owners were not given back").And.Contain("Run the restore as root"));
            Assert.That(after.Select(Without(owner: true)), Is.EqualTo(before.Select(Without(owner: true))), "modes and times are back");
            Assert.That(after.Select(l => l.Split(' ')[1]), Is.All.EqualTo("2000:2000"), "owners: the restoring user's");
        });
    }

    /// <summary>uid 1000 throughout, a setgid root (2775), a 0640 file, times in 2024.</summary>
    private static Task<string> ShapeAsync(string uploads) => Sh.RequireAsync("sh", "-c", $"""
        mkdir -p '{uploads}/imports/deep' && echo 'id,name' > '{uploads}/imports/a.csv' && echo 'b' > '{uploads}/imports/deep/b.json' &&
        chown -R 1000:1000 '{uploads}' && chmod 2775 '{uploads}' && chmod 0640 '{uploads}/imports/a.csv' &&
        touch -d '2024-01-02 03:04:05' '{uploads}/imports/a.csv' '{uploads}/imports/deep/b.json' &&
        touch -d '2024-01-02 03:04:05' '{uploads}/imports/deep' '{uploads}/imports' '{uploads}'
        """);

    /// <summary>Each entry, by its path below the tree: `path uid:gid mode mtime`, in order.</summary>
    private static async Task<IReadOnlyList<string>> StatAsync(string tree)
    {
        var output = await Sh.RequireAsync("sh", "-c", $"cd '{tree}' && find . -print0 | sort -z | xargs -0 stat -c '%n %u:%g %a %Y'");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static Func<string, string> Without(bool owner) => line =>
    {
        var parts = line.Split(' ');
        return owner ? string.Join(' ', parts.Where((_, i) => i != 1)) : line;
    };
}
