using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;


namespace Summit.Dr.IntegrationTests;

/// <summary>
/// The state a restore replaces is kept aside (database renamed, store moved within its volume, tree
/// renamed), not copied: undo, discard, and how the kept state lives through interruptions and later restores.
/// </summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class UndoTests
{
    [Test]
    public async Task Undo_discard_frees_the_kept_database_store_and_tree_and_keeps_the_restored_platform()
    {
        await using var platform = await Platform.StartAsync();
        var volumes = await platform.Engine.VolumesAsync();
        var seeded = await BackUpAndChangeAsync(platform);
        using (var restore = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest", "--yes"))
        {
            Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
        }

        var kept = await platform.KeptTracesAsync();
        Assert.That(kept.Databases.Length + kept.Neo4jEntries.Length + kept.UploadsSiblings.Length, Is.EqualTo(4), "one kept database, " +
            "store (with its transaction logs) and tree");

        using var discard = await ToolRun.RunAsync(platform.WorkDir, "undo", "--discard", "--yes");

        Assert.That(discard.ExitCode, Is.Zero, discard.Describe());
        var left = await platform.KeptTracesAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(discard.Stderr, Does.Contain("Freed the state kept by the restore"));
            Assert.That(left.Databases.Concat(left.Neo4jEntries).Concat(left.UploadsSiblings), Is.Empty, "the kept database, store and " +
                "tree are gone");
            Assert.That(File.Exists(Path.Combine(platform.BackupRoot, ".summit-dr-undo.json")), Is.False);
            Assert.That(await platform.Neo4jAnswersAsync(), Is.True);
            Assert.That(await platform.Engine.VolumesAsync(), Is.SubsetOf(volumes), "no volume is left by the backup, restore and " +
                "discard (the lock's image gives it anonymous ones)");
        });
        seeded.AssertEqual(await PlatformState.CaptureAsync(platform), "the restored platform, untouched by the discard");

        using var nothing = await ToolRun.RunAsync(platform.WorkDir, "undo", "--yes");
        Assert.That(nothing.ExitCode, Is.EqualTo(3), nothing.Describe());
        Assert.That(nothing.Stderr, Does.Contain("Nothing to undo"));
    }

    [Test]
    public async Task A_kept_state_survives_a_Ctrl_C_of_the_next_restore_and_undo_still_puts_it_back()
    {
        await using var platform = await Platform.StartAsync();
        await BackUpAndChangeAsync(platform);
        var beforeFirst = await PlatformState.CaptureAsync(platform);
        using (var restore = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest", "--yes"))
        {
            Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
        }

        var restored = await PlatformState.CaptureAsync(platform);
        var keptByFirst = await platform.KeptTracesAsync();

        // A second restore, interrupted while Neo4j loads.
        await platform.SetKnobAsync("load-slow", "60");
        using var second = ToolRun.Start(platform.WorkDir, ["restore", "latest", "--yes"]);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await platform.AdminRunsAsync("load"))
        {
            Assert.That(second.HasExited || DateTime.UtcNow > deadline, Is.False, "the Neo4j load never started\n" + second.Describe());
            await Task.Delay(100);
        }

        await second.CtrlCAsync();
        await second.WaitAsync(TimeSpan.FromMinutes(3));
        Assert.That(second.ExitCode, Is.EqualTo(130), second.Describe());
        await platform.ClearKnobAsync("load-slow");
        restored.AssertEqual(await PlatformState.CaptureAsync(platform), "the interrupted restore changed nothing");
        var kept = await platform.KeptTracesAsync();
        Assert.Multiple(() =>
        {
            Assert.That(kept.Databases, Is.EqualTo(keptByFirst.Databases), "the first restore's kept database is untouched, and nothing " +
                "of the second stays\n" + second.Describe());
            Assert.That(kept.Neo4jEntries, Is.EqualTo(keptByFirst.Neo4jEntries));
            Assert.That(kept.UploadsSiblings, Is.EqualTo(keptByFirst.UploadsSiblings));
        });

        using var undo = await ToolRun.RunAsync(platform.WorkDir, "undo", "--yes");

        Assert.That(undo.ExitCode, Is.Zero, undo.Describe());
        beforeFirst.AssertEqual(await PlatformState.CaptureAsync(platform), "undo after the interruption puts back the state before the " +
            "first restore");
    }

    [Test]
    public async Task A_second_restore_replaces_the_kept_state_only_once_it_has_succeeded()
    {
        await using var platform = await Platform.StartAsync();
        await BackUpAndChangeAsync(platform);
        using (var first = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest", "--yes"))
        {
            Assert.That(first.ExitCode, Is.Zero, first.Describe());
        }

        var keptByFirst = await platform.KeptTracesAsync();
        await platform.ChangeEverythingAsync();
        await platform.PsqlAsync("INSERT INTO tenants VALUES (98, 'second bad day')");
        var beforeSecond = await PlatformState.CaptureAsync(platform);

        await platform.SetKnobAsync("load-fails-once");
        using (var failed = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest", "--yes"))
        {
            Assert.That(failed.ExitCode, Is.EqualTo(1), failed.Describe());
        }

        beforeSecond.AssertEqual(await PlatformState.CaptureAsync(platform), "the failed restore put everything back");
        var afterFailure = await platform.KeptTracesAsync();
        Assert.Multiple(() =>
        {
            Assert.That(afterFailure.Databases, Is.EqualTo(keptByFirst.Databases), "a failed restore leaves the earlier kept state");
            Assert.That(afterFailure.Neo4jEntries, Is.EqualTo(keptByFirst.Neo4jEntries));
            Assert.That(afterFailure.UploadsSiblings, Is.EqualTo(keptByFirst.UploadsSiblings));
        });

        using (var second = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest", "--yes"))
        {
            Assert.That(second.ExitCode, Is.Zero, second.Describe());
        }

        var keptBySecond = await platform.KeptTracesAsync();
        Assert.Multiple(() =>
        {
            Assert.That(keptBySecond.Databases, Has.Length.EqualTo(1).And.No.AnyOf(keptByFirst.Databases), "the first restore's kept " +
                "database is freed once the second succeeded");
            Assert.That(keptBySecond.Neo4jEntries, Has.Length.EqualTo(2).And.No.AnyOf(keptByFirst.Neo4jEntries));
            Assert.That(keptBySecond.UploadsSiblings, Has.Length.EqualTo(1).And.No.AnyOf(keptByFirst.UploadsSiblings));
        });

        using var undo = await ToolRun.RunAsync(platform.WorkDir, "undo", "--yes");
        Assert.That(undo.ExitCode, Is.Zero, undo.Describe());
        beforeSecond.AssertEqual(await PlatformState.CaptureAsync(platform), "undo puts back what the second restore replaced");
    }

    [Test]
    public async Task List_and_doctor_show_what_is_kept_and_its_size()
    {
        await using var platform = await Platform.StartAsync();
        await BackUpAndChangeAsync(platform);
        using (var restore = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest", "--yes"))
        {
            Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
        }

        var kept = await platform.KeptTracesAsync();
        using var list = await ToolRun.RunAsync(platform.WorkDir, "list");
        using var doctor = await ToolRun.RunAsync(platform.WorkDir, "doctor");

        Assert.Multiple(() =>
        {
            Assert.That(list.ExitCode, Is.Zero, list.Describe());
            foreach (var output in new[] { list.Stdout + list.Stderr, doctor.Stdout + doctor.Stderr })
            {
                Assert.That(output, Does.Contain("Kept aside by the restore").And.Contain("summit-dr undo"));
                Assert.That(output, Does.Contain(kept.Databases[0]).And.Contain(kept.Neo4jEntries[0]).And.Contain(kept.UploadsSiblings[0]));
                Assert.That(output, Does.Match(@"\d+(\.\d)? (B|KiB|MiB|GiB)\)"), "sizes are shown");
            }
        });
    }

    /// <summary>Backs up the seeded platform and changes every store; returns the seeded state.</summary>
    private static async Task<PlatformState> BackUpAndChangeAsync(Platform platform)
    {
        var seeded = await PlatformState.CaptureAsync(platform);
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        await platform.ChangeEverythingAsync();
        return seeded;
    }
}
