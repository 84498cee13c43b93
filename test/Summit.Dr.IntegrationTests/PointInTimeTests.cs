using System.Text.Json;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// Point-in-time recovery on the real engine and the real PostgreSQL 15: the archiver streams WAL through its
/// slot, batches are written a second apart with the server's clock, and a restore to a time between two of
/// them brings back exactly the batches before it; undo brings the rest back. A gap in the archive is refused
/// before anything is touched; a killed archiver and a restarted server lose no segment.
/// </summary>
[TestFixture]
[CancelAfter(900_000)]
[NonParallelizable]
public sealed class PointInTimeTests
{
    [Test]
    public async Task A_restore_to_a_time_between_batches_keeps_exactly_those_before_it_and_undo_brings_the_rest_back()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        await PitrPlatform.StartAsync(platform);
        await PitrPlatform.BatchAsync(platform, 1);
        await PitrPlatform.BatchAsync(platform, 2);
        await Task.Delay(600);
        var target = await PitrPlatform.ServerNowAsync(platform);
        await Task.Delay(600);
        await PitrPlatform.BatchAsync(platform, 3);
        await PitrPlatform.WaitArchivedAsync(platform);
        using var list = await PitrPlatform.ToolAsync(platform, "list");

        using var restore = await PitrPlatform.ToolAsync(platform, "restore", "--to", target, "--only", "postgres", "--yes", "--json");
        var restored = await PitrPlatform.BatchesAsync(platform);
        using var status = await PitrPlatform.ToolAsync(platform, "wal", "status", "--json");
        var kept = await platform.KeptPostgresVolumesAsync();
        using var undo = await PitrPlatform.ToolAsync(platform, "undo", "--yes");
        var undone = await PitrPlatform.BatchesAsync(platform);
        await Sh.DockerRequireAsync("stop", "summit-dr-wal-" + platform.Postgres);
        using var stopped = await PitrPlatform.ToolAsync(platform, "wal", "status");

        Assert.Multiple(async () =>
        {
            Assert.That(stopped.ExitCode, Is.EqualTo(3), "a stopped archiver is not a healthy status\n" + stopped.Describe());
            Assert.That(stopped.Stderr, Does.Contain("The WAL archiver is not running (exited)").And.Contain("summit-dr wal start"));
            Assert.That(list.Stdout, Does.Contain("Point in time: PostgreSQL can be restored to any second " +
                "from").And.Contain("the archiver streams"), list.Describe());
            Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
            Assert.That(restored, Is.EqualTo("1,2"), "exactly the batches committed before the target");
            using var json = JsonDocument.Parse(restore.Stdout);
            Assert.That(json.RootElement.GetProperty("stores").EnumerateArray().First().GetProperty("detail").GetString(),
                Does.StartWith("restored to "));
            Assert.That(kept, Has.Count.EqualTo(1), "the replaced data directory is kept in a volume of its own");
            Assert.That(status.ExitCode, Is.Zero, status.Describe());
            using var wal = JsonDocument.Parse(status.Stdout);
            Assert.That(wal.RootElement.GetProperty("archiver").GetString(), Is.EqualTo("running"));
            Assert.That(wal.RootElement.GetProperty("branch").GetString(), Does.EndWith("-00000002"), "the archiver goes on on the new " +
                "timeline");
            Assert.That(undo.ExitCode, Is.Zero, undo.Describe());
            Assert.That(undone, Is.EqualTo("1,2,3"), "undo puts the previous data directory back");
            Assert.That(await platform.KeptPostgresVolumesAsync(), Is.Empty);
        });
    }

    [Test]
    public async Task A_gap_in_the_archive_is_refused_with_4_naming_the_segment_and_nothing_is_touched()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        await PitrPlatform.StartAsync(platform);
        // About 60 MB of WAL: the archive holds several segments after the base backup.
        await platform.PsqlAsync("CREATE TABLE filler AS SELECT g AS id, repeat('x', 1000) AS pad FROM generate_series(1, 50000) g");
        await PitrPlatform.BatchAsync(platform, 1);
        await PitrPlatform.WaitArchivedAsync(platform);
        var complete = PitrPlatform.Segments(platform).Where(s => s.Length == 24).ToList();
        var missing = complete[^2];
        var branch = Directory.GetDirectories(Path.Combine(platform.BackupRoot, "wal")).Single();
        File.Delete(Path.Combine(branch, missing));
        var before = await platform.TableChecksumsAsync();
        var target = await PitrPlatform.ServerNowAsync(platform);
        await Task.Delay(1500);

        using var restore = await PitrPlatform.ToolAsync(platform, "restore", "--to", target, "--only", "postgres", "--yes");

        Assert.Multiple(async () =>
        {
            Assert.That(restore.ExitCode, Is.EqualTo(4), restore.Describe());
            Assert.That(restore.Stderr, Does.Contain("misses segment " + missing).And.Contain("nothing was touched"));
            Assert.That(await platform.TableChecksumsAsync(), Is.EqualTo(before));
            Assert.That(await platform.KeptPostgresVolumesAsync(), Is.Empty);
            Assert.That(await platform.IsRunningAsync("summit-dr-wal-" + platform.Postgres), Is.True, "the archiver was not stopped");
        });
    }

    [Test]
    public async Task A_killed_archiver_started_again_and_a_restarted_server_lose_no_segment()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        await PitrPlatform.StartAsync(platform);
        await Sh.DockerRequireAsync("kill", "-s", "KILL", "summit-dr-wal-" + platform.Postgres);
        await PitrPlatform.BatchAsync(platform, 1);
        await platform.PsqlAsync("CREATE TABLE filler AS SELECT g AS id, repeat('x', 1000) AS pad FROM generate_series(1, 30000) g");
        await Task.Delay(600);
        var target = await PitrPlatform.ServerNowAsync(platform);
        using (var again = await PitrPlatform.ToolAsync(platform, "wal", "start"))
        {
            Assert.That(again.ExitCode, Is.Zero, again.Describe());
        }

        await Sh.DockerRequireAsync("restart", platform.Postgres);
        await Platform.WaitForPostgresAsync(platform.Postgres, platform.User, platform.Database);
        using (var resumed = await PitrPlatform.ToolAsync(platform, "wal", "start"))
        {
            Assert.That(resumed.ExitCode, Is.Zero, resumed.Describe());
        }

        await PitrPlatform.BatchAsync(platform, 2);
        await PitrPlatform.WaitArchivedAsync(platform);
        PitrPlatform.AssertContiguous(PitrPlatform.Segments(platform));

        using var restore = await PitrPlatform.ToolAsync(platform, "restore", "--to", target, "--only", "postgres", "--yes");

        Assert.Multiple(async () =>
        {
            Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
            Assert.That(await PitrPlatform.BatchesAsync(platform), Is.EqualTo("1"), "what was written while the archiver was down came " +
                "from its slot");
        });
    }

    [Test]
    public async Task A_restore_interrupted_while_it_swaps_puts_the_data_directory_back_and_postgres_runs()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        await PitrPlatform.StartAsync(platform);
        var target = await PitrPlatform.TargetBetweenAsync(platform, 1, 2);

        using var run = ToolRun.Start(platform.WorkDir, ["restore", "--to", target, "--only", "postgres", "--yes", .. PitrPlatform.On]);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while ((await platform.KeptPostgresVolumesAsync()).Count == 0 && !run.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await run.SignalAsync("TERM");
        await run.WaitAsync(TimeSpan.FromMinutes(5));
        await Platform.WaitForPostgresAsync(platform.Postgres, platform.User, platform.Database);

        Assert.Multiple(async () =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(130), run.Describe());
            Assert.That(await PitrPlatform.BatchesAsync(platform), Is.EqualTo("1,2"), "the live data directory is back");
            Assert.That(await platform.KeptPostgresVolumesAsync(), Is.Empty);
            Assert.That((await Sh.DockerAsync("exec", platform.Postgres, "ls", "/var/lib/postgresql/data/summit-dr-wal")).ExitCode,
                Is.Not.Zero, "no staged WAL is left");
            Assert.That(await platform.IsRunningAsync("summit-dr-wal-" + platform.Postgres), Is.True, "the archiver streams again");
        });
    }

    [Test]
    public async Task A_recovery_that_does_not_finish_puts_the_kept_data_directory_back_and_postgres_runs()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        await PitrPlatform.StartAsync(platform);
        var target = await PitrPlatform.TargetBetweenAsync(platform, 1, 2);
        // A docker CLI through which the server always answers that it is still recovering: within the shortest timeout
        // there is (a second), the recovery never finishes, whatever this machine's speed.
        var docker = (await Sh.RequireAsync("sh", "-c", "command -v docker")).Trim();
        var recovering = Path.Combine(platform.WorkDir, "recovering-docker");
        await File.WriteAllTextAsync(recovering, $"#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = 'SELECT pg_is_in_recovery()' ] && {{ echo " +
            $"t; exit 0; }}; done\nexec '{docker}' \"$@\"\n");
        File.SetUnixFileMode(recovering, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        using var restore = await PitrPlatform.ToolAsync(
            platform, "restore", "--to", target, "--only", "postgres", "--yes", "--set", "Pitr:RecoveryTimeoutSeconds=1", "--docker",
                recovering);

        Assert.Multiple(async () =>
        {
            Assert.That(restore.ExitCode, Is.EqualTo(1), restore.Describe());
            Assert.That(restore.Stderr, Does.Contain("had not finished its recovery").And.Contain("Put PostgreSQL back"));
            Assert.That(await PitrPlatform.BatchesAsync(platform), Is.EqualTo("1,2"), "the live data directory is back");
            Assert.That(await platform.KeptPostgresVolumesAsync(), Is.Empty);
            Assert.That(await platform.IsRunningAsync("summit-dr-wal-" + platform.Postgres), Is.True, "the archiver streams again");
        });
    }

    [Test]
    public async Task A_server_that_refuses_replication_from_loopback_is_one_line_and_nothing_is_set_up()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        // Only what the official image appends: replication from loopback is no longer trusted.
        await Sh.DockerRequireAsync(
            "exec", "-u", "postgres", platform.Postgres, "sed", "-i", "/replication/d", "/var/lib/postgresql/data/pg_hba.conf");
        await platform.PsqlAsync("SELECT pg_reload_conf()");

        using var start = await PitrPlatform.ToolAsync(platform, "wal", "start");

        Assert.Multiple(async () =>
        {
            Assert.That(start.ExitCode, Is.EqualTo(3), start.Describe());
            Assert.That(start.Stderr, Does.Contain("refuses a replication connection from " +
                "127.0.0.1").And.Contain("host replication " + platform.User + " 127.0.0.1/32"));
            Assert.That(await platform.PsqlAsync("SELECT count(*) FROM pg_replication_slots"), Is.EqualTo("0"), "no slot");
            Assert.That(await platform.ExistsAsync("summit-dr-wal-" + platform.Postgres), Is.False, "no archiver");
            Assert.That(await platform.PsqlAsync("SHOW max_slot_wal_keep_size"), Is.EqualTo("-1"), "no setting changed");
        });
    }
}
