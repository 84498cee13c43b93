using System.Security.Cryptography;
using System.Text.Json;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

[TestFixture]
[NonParallelizable]
[CancelAfter(180_000)]
public sealed class ListAndCheckTests
{
    private Platform _platform = null!;
    private string _good = null!;

    [OneTimeSetUp]
    public async Task BackUpAsync()
    {
        _platform = await Platform.StartAsync();
        using var backup = await ToolRun.RunAsync(_platform.WorkDir, "backup");
        Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        _good = Path.Combine(_platform.BackupRoot, _platform.VisibleBackups().Single());
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _platform.DisposeAsync();

    [Test]
    public async Task List_shows_every_directory_with_its_state_newest_first()
    {
        var safety = Copy("20990101_000000-safety");
        BackupFiles.EditManifest(safety, m => m["kind"] = "safety");
        var legacy = Copy("20200101_000000");
        File.Delete(Path.Combine(legacy, "manifest.json"));
        var corrupt = Copy("20210101_000000");
        File.Delete(Path.Combine(corrupt, "neo4j.dump"));
        var incomplete = Copy(".incomplete-20990202_000000");

        using var run = await ToolRun.RunAsync(_platform.WorkDir, "list", "--json");
        using var text = await ToolRun.RunAsync(_platform.WorkDir, "list");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        using var json = JsonDocument.Parse(run.Stdout);
        var backups = json.RootElement.GetProperty("backups").EnumerateArray()
            .ToDictionary(b => b.GetProperty("name").GetString()!, b => b.GetProperty("state").GetString());
        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(1));
            Assert.That(backups[Path.GetFileName(_good)], Is.EqualTo("complete"));
            Assert.That(backups[Path.GetFileName(safety)], Is.EqualTo("safety"));
            Assert.That(backups[Path.GetFileName(legacy)], Is.EqualTo("legacy"));
            Assert.That(backups[Path.GetFileName(corrupt)], Is.EqualTo("corrupt"));
            Assert.That(backups[Path.GetFileName(incomplete)], Is.EqualTo("incomplete"));
            Assert.That(json.RootElement.GetProperty("backups")[0].GetProperty("name").GetString(),
                Is.EqualTo(Path.GetFileName(incomplete)), "newest first");
            Assert.That(text.Stdout, Does.Contain("NAME").And.Contain("postgres,neo4j,uploads").And.Contain("corrupt (neo4j.dump is " +
                "missing)"));
        });

        // latest is never the incomplete one nor the safety backup, however new.
        using var dryRun = await ToolRun.RunAsync(_platform.WorkDir, "restore", "latest", "--dry-run");
        Assert.That(dryRun.Stdout, Does.Contain("# restore " + _good + " (latest)"), dryRun.Describe());
        foreach (var dir in new[] { safety, legacy, corrupt, incomplete })
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public async Task Check_of_a_sound_backup_exits_0_with_one_line_per_artifact()
    {
        using var run = await ToolRun.RunAsync(_platform.WorkDir, "check", "latest");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        Assert.That(run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(3).And.All.StartWith("ok "));
        Assert.That(run.Stdout, Does.Contain("pg_restore read all"));
    }

    [Test]
    public async Task Check_catches_a_flipped_byte_in_the_middle_of_the_postgres_dump_that_list_alone_misses()
    {
        var broken = Copy("20220101_000000");
        var dump = Path.Combine(broken, "postgres.dump");
        var bytes = File.ReadAllBytes(dump);
        bytes[bytes.Length / 2] ^= 0x20;
        File.WriteAllBytes(dump, bytes);
        // The manifest is made to agree, so only reading the dump can tell.
        BackupFiles.EditManifest(broken, m => m["postgres"]!["artifact"]!["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)));
        await using (var input = File.OpenRead(dump))
        {
            var listOnly = await Sh.RunAsync("docker", ["exec", "-i", _platform.Postgres, "pg_restore", "--list"], stdin: input);
            Assert.That(listOnly.ExitCode, Is.Zero, "pg_restore --list alone does not see the damage");
        }

        using var run = await ToolRun.RunAsync(_platform.WorkDir, "check", broken, "--json");

        Directory.Delete(broken, recursive: true);
        Assert.That(run.ExitCode, Is.EqualTo(4), run.Describe());
        using var json = JsonDocument.Parse(run.Stdout);
        var findings = json.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(1));
            Assert.That(json.RootElement.GetProperty("sound").GetBoolean(), Is.False);
            var postgres = findings.Single(f => f.GetProperty("subject").GetString() == "postgres.dump");
            Assert.That(postgres.GetProperty("sound").GetBoolean(), Is.False);
            Assert.That(postgres.GetProperty("detail").GetString(), Does.Contain("pg_restore cannot read postgres.dump to its end"));
            Assert.That(findings.Where(f => f.GetProperty("subject").GetString() != "postgres.dump").All(
                f => f.GetProperty("sound").GetBoolean()), Is.True,
                "the other artifacts are reported sound: every finding is listed, not only the first");
        });
    }

    [Test]
    public async Task Check_reports_an_incomplete_directory_as_unsound()
    {
        var incomplete = Copy(".incomplete-20230101_000000");

        using var run = await ToolRun.RunAsync(_platform.WorkDir, "check", incomplete);

        Directory.Delete(incomplete, recursive: true);
        Assert.That(run.ExitCode, Is.EqualTo(4), run.Describe());
        Assert.That(run.Stdout, Does.Contain("is an unfinished backup"));
    }

    private string Copy(string name) => BackupFiles.Copy(_good, _platform.BackupRoot, name);
}
