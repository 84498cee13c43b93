using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// Invariant 3: a backup that fails any check is refused with exit 4 and the live platform is untouched.
/// One platform and one good backup serve every case; each case breaks a copy of that backup.
/// </summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(120_000)]
public sealed class RestoreRefusalTests
{
    private Platform _platform = null!;
    private string _good = null!;
    private PlatformState _live = null!;

    [OneTimeSetUp]
    public async Task BackUpThenChangeAsync()
    {
        _platform = await Platform.StartAsync();
        using var backup = await ToolRun.RunAsync(_platform.WorkDir, "backup");
        Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        _good = Path.Combine(_platform.BackupRoot, _platform.VisibleBackups().Single());
        await _platform.ChangeEverythingAsync();
        _live = await PlatformState.CaptureAsync(_platform);
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _platform.DisposeAsync();

    [TestCase("postgres.dump", TestName = "A flipped byte in postgres.dump is refused")]
    [TestCase("neo4j.dump", TestName = "A flipped byte in neo4j.dump is refused")]
    [TestCase("uploads.tar.gz", TestName = "A flipped byte in uploads.tar.gz is refused")]
    public async Task A_flipped_byte_is_refused(string artifact)
    {
        var broken = Copy("flipped-" + artifact);
        var path = Path.Combine(broken, artifact);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        await AssertRefusedAsync(broken, $"{artifact} does not match its SHA-256 in the manifest");
    }

    [Test]
    public async Task A_truncated_dump_is_refused()
    {
        var broken = Copy("truncated");
        Truncate(Path.Combine(broken, "postgres.dump"));

        await AssertRefusedAsync(broken, "postgres.dump is ");
    }

    [Test]
    public async Task A_truncated_dump_without_a_manifest_is_caught_by_pg_restore()
    {
        var broken = Copy("truncated-legacy");
        File.Delete(Path.Combine(broken, "manifest.json"));
        Truncate(Path.Combine(broken, "postgres.dump"));

        await AssertRefusedAsync(broken, "pg_restore cannot read postgres.dump to its end");
    }

    [Test]
    public async Task A_manifest_whose_checksum_was_edited_is_refused()
    {
        var broken = Copy("edited-manifest");
        BackupFiles.EditManifest(broken, manifest => manifest["neo4j"]!["artifact"]!["sha256"] = new string('0', 64));

        await AssertRefusedAsync(broken, "neo4j.dump does not match its SHA-256 in the manifest");
    }

    [Test]
    public async Task A_manifest_that_does_not_parse_is_refused()
    {
        var broken = Copy("bad-manifest");
        File.WriteAllText(Path.Combine(broken, "manifest.json"), "{ \"formatVersion\": 1, ");

        await AssertRefusedAsync(broken, "manifest.json in bad-manifest does not parse");
    }

    [Test]
    public async Task A_missing_artifact_is_refused()
    {
        var broken = Copy("missing-artifact");
        File.Delete(Path.Combine(broken, "neo4j.dump"));

        await AssertRefusedAsync(broken, "neo4j.dump is missing from missing-artifact");
    }

    [TestCase("uploads/../../escaped.txt", TarEntryType.RegularFile, null, "path with ..", TestName = "A tar with a ../ entry is refused")]
    [TestCase("/tmp/summit-dr-absolute.txt", TarEntryType.RegularFile, null, "absolute path", TestName = "A tar with an absolute path is " +
        "refused")]
    [TestCase("uploads/imports/passwd", TarEntryType.SymbolicLink, "/etc/passwd", "link to /etc/passwd", TestName = "A tar with a " +
        "symlink pointing outside is refused")]
    public async Task An_unsafe_tar_entry_is_refused(string name, TarEntryType type, string? link, string problem)
    {
        var broken = Copy("unsafe-tar");
        var archive = Path.Combine(broken, "uploads.tar.gz");
        await using (var output = File.Create(archive))
        await using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "uploads/"));
            await tar.WriteEntryAsync(
                new PaxTarEntry(TarEntryType.RegularFile, "uploads/ok.csv") { DataStream = new MemoryStream([1, 2]) });
            var entry = new PaxTarEntry(type, name);
            if (link is not null)
            {
                entry.LinkName = link;
            }
            else
            {
                entry.DataStream = new MemoryStream([6, 6, 6]);
            }

            await tar.WriteEntryAsync(entry);
        }

        // A consistent manifest, so the check that catches this is the entry check, not the checksum.
        BackupFiles.EditManifest(broken, manifest =>
        {
            manifest["uploads"]!["artifact"]!["size"] = new FileInfo(archive).Length;
            manifest["uploads"]!["artifact"]!["sha256"] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(archive)));
        });

        await AssertRefusedAsync(broken, $"unsafe entry '{name}' ({problem})");
        Assert.That(File.Exists(Path.Combine(_platform.WorkDir, "escaped.txt")), Is.False);
        Assert.That(File.Exists("/tmp/summit-dr-absolute.txt"), Is.False);
    }

    [Test]
    public async Task A_backup_directory_that_does_not_exist_is_refused()
    {
        await AssertRefusedAsync(Path.Combine(_platform.BackupRoot, "20200101_000000"), "There is no backup", exitCode: 2);
    }

    [Test]
    public async Task An_incomplete_backup_directory_is_refused()
    {
        var broken = Copy(".incomplete-20990101_000000");

        await AssertRefusedAsync(broken, "is an unfinished backup");
    }

    [Test]
    public async Task A_directory_with_no_manifest_and_no_artifacts_is_refused()
    {
        var empty = Path.Combine(_platform.BackupRoot, "empty");
        Directory.CreateDirectory(empty);
        File.WriteAllText(Path.Combine(empty, "summit-dr.log"), "a run that never finished");

        await AssertRefusedAsync(empty, "is not a complete backup");
    }

    private async Task AssertRefusedAsync(string backup, string expected, int exitCode = 4)
    {
        var backupsBefore = _platform.VisibleBackups().Count;

        using var run = await ToolRun.RunAsync(_platform.WorkDir, "restore", backup, "--yes");

        Assert.Multiple(async () =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(exitCode), run.Describe());
            Assert.That(run.Stderr, Does.Contain(expected));
            Assert.That(run.Stderr.Split('\n').Count(l => l.StartsWith("summit-dr: ", StringComparison.Ordinal)), Is.EqualTo(1),
                "one line says what is wrong");
            Assert.That(_platform.VisibleBackups(), Has.Count.EqualTo(backupsBefore), "no safety backup: nothing was about to be touched");
            Assert.That(await _platform.Neo4jAnswersAsync(), Is.True, "Neo4j was never stopped");
        });
        _live.AssertEqual(await PlatformState.CaptureAsync(_platform), "after a refused restore");
    }

    private string Copy(string name) => BackupFiles.Copy(_good, _platform.BackupRoot, name);

    private static void Truncate(string path)
    {
        using var stream = new FileStream(path, FileMode.Open);
        stream.SetLength(stream.Length / 2);
    }
}
