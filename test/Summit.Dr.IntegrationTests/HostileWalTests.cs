using System.Text.Json;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// The WAL archive under its ledger: a ledgered segment whose bytes changed is refused by a restore to a time before
/// anything stops (signed or not: rot is caught); with trusted keys set, a segment or a timeline history planted among
/// the signed ones is refused too, naming it; and the archiver reads its password from a read-only passfile, never from
/// an environment the engine keeps in its configuration.
/// </summary>
[TestFixture]
[CancelAfter(600_000)]
public sealed class HostileWalTests
{
    [Test]
    public async Task A_ledgered_segment_whose_bytes_changed_is_refused_before_anything_stops()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        await PitrPlatform.StartAsync(platform);
        var target = await FillAndLedgerAsync(platform);
        var changed = PitrPlatform.Segments(platform).Where(s => s.Length == 24).ToList()[^2];
        FlipByte(Path.Combine(Branch(platform), changed));
        var before = await platform.TableChecksumsAsync();
        var started = await platform.StartedAtAsync(platform.Postgres);

        using var restore = await PitrPlatform.ToolAsync(platform, "restore", "--to", target, "--only", "postgres", "--yes");

        Assert.Multiple(async () =>
        {
            Assert.That(restore.ExitCode, Is.EqualTo(4), restore.Describe());
            Assert.That(restore.Stderr, Does.Contain(changed + " is not what the WAL ledger recorded"));
            Assert.That(await platform.TableChecksumsAsync(), Is.EqualTo(before));
            Assert.That(await platform.StartedAtAsync(platform.Postgres), Is.EqualTo(started), "PostgreSQL was not stopped");
            Assert.That(await platform.KeptPostgresVolumesAsync(), Is.Empty);
        });
    }

    [Test]
    public async Task With_trusted_keys_a_planted_timeline_history_or_segment_among_the_signed_ones_is_refused_naming_it()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        using var host = await GpgHome.CreateAsync("Backup host <backup@example.test>", algorithm: "ed25519");
        var signing = new[] { "--set", "Signing:SecretKeyFile=" + host.SecretKeyFile, "--set",
            "Signing:TrustedKeyFiles=" + host.PublicKeyFile };
        await PitrPlatform.StartAsync(platform, signing);
        var target = await FillAndLedgerAsync(platform, signing);
        var branch = Branch(platform);
        Assert.That(File.Exists(branch + ".ledger.json.sig"), Is.True, "the ledger is signed beside its branch");
        File.WriteAllText(Path.Combine(branch, "00000002.history"), "1\t0/9000000\tno recovery target specified\n");
        File.SetUnixFileMode(Path.Combine(branch, "00000002.history"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var history = await PitrPlatform.ToolAsync(platform, ["restore", "--to", target, "--only", "postgres", "--yes", .. signing]);
        File.Delete(Path.Combine(branch, "00000002.history"));
        var signed = PitrPlatform.Segments(platform).Where(s => s.Length == 24).ToList();
        var planted = "00000002" + signed[^2][8..];
        File.Copy(Path.Combine(branch, signed[^2]), Path.Combine(branch, planted));
        var started = await platform.StartedAtAsync(platform.Postgres);
        using var segment = await PitrPlatform.ToolAsync(platform, ["restore", "--to", target, "--only", "postgres", "--yes", .. signing]);
        using var status = await PitrPlatform.ToolAsync(platform, ["wal", "status", .. signing]);

        Assert.Multiple(async () =>
        {
            Assert.That(history.ExitCode, Is.EqualTo(4), history.Describe());
            Assert.That(history.Stderr, Does.Contain("00000002.history").And.Contain("its signed ledger does not vouch for"));
            Assert.That(segment.ExitCode, Is.EqualTo(4), segment.Describe());
            Assert.That(segment.Stderr, Does.Contain(planted).And.Contain("its signed ledger does not vouch for"));
            Assert.That(await platform.StartedAtAsync(platform.Postgres), Is.EqualTo(started), "PostgreSQL was not stopped");
            Assert.That(status.Stdout, Does.Contain("signed until").And.Contain("the ledger's last signed sync"));
        });
    }

    [Test]
    public async Task The_archiver_authenticates_from_a_read_only_passfile_and_its_configuration_holds_no_password()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        var password = "pg-" + platform.Prefix;
        // Replication from loopback now needs the password: only the passfile can give it.
        await Sh.DockerRequireAsync(
            "exec", "--user", "postgres", platform.Postgres, "sed", "-i", "-E",
            @"s/^(host\s+replication\s+all\s+127\.0\.0\.1\/32\s+)trust/\1scram-sha-256/", "/var/lib/postgresql/data/pg_hba.conf");
        await platform.PsqlAsync("SELECT pg_reload_conf()");
        var environment = new Dictionary<string, string> { ["SUMMIT_DR_Postgres__Password"] = password };

        using var start = ToolRun.Start(platform.WorkDir, ["wal", "start", .. PitrPlatform.On], environment);
        await start.WaitAsync(TimeSpan.FromMinutes(2));
        var inspect = await Sh.DockerRequireAsync("inspect", "--format", "{{json .Config.Env}}|{{json " +
            ".Mounts}}", "summit-dr-wal-" + platform.Postgres);
        var passfile = Path.Combine(platform.BackupRoot, "wal", ".pgpass-" + platform.Postgres);

        Assert.Multiple(() =>
        {
            Assert.That(start.ExitCode, Is.Zero, start.Describe());
            Assert.That(inspect, Does.Not.Contain(password).And.Not.Contain("PGPASSWORD"));
            Assert.That(inspect, Does.Contain("PGPASSFILE=/summit-dr-pgpass"));
            using var mounts = JsonDocument.Parse(inspect.Split('|')[1]);
            Assert.That(mounts.RootElement.EnumerateArray().Single(
                m => m.GetProperty("Destination").GetString() == "/summit-dr-pgpass").GetProperty("RW").GetBoolean(), Is.False);
            Assert.That(File.GetUnixFileMode(passfile), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        });
    }

    /// <summary>About 60 MB of WAL, a target after it, everything archived, then `wal start` ledgers (and signs) what came.</summary>
    private static async Task<string> FillAndLedgerAsync(Platform platform, params string[] settings)
    {
        await platform.PsqlAsync("CREATE TABLE filler AS SELECT g AS id, repeat('x', 1000) AS pad FROM generate_series(1, 50000) g");
        await PitrPlatform.BatchAsync(platform, 1);
        await Task.Delay(600);
        var target = await PitrPlatform.ServerNowAsync(platform);
        await PitrPlatform.BatchAsync(platform, 2);
        await PitrPlatform.WaitArchivedAsync(platform);
        using var ledger = await PitrPlatform.ToolAsync(platform, ["wal", "start", .. settings]);
        Assert.That(ledger.ExitCode, Is.Zero, ledger.Describe());
        return target;
    }

    private static string Branch(Platform platform) => Directory.GetDirectories(Path.Combine(platform.BackupRoot, "wal")).Single();

    private static void FlipByte(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = 4096;
        var value = file.ReadByte();
        file.Position = 4096;
        file.WriteByte((byte)(value ^ 0xFF));
    }
}
