using System.Security.Cryptography;
using System.Text.Json;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// `extract` on a real backup: one evidence file back without a restore, the dumps on request, nothing live touched; a
/// damaged archive writes nothing; what is already at the destination is never overwritten.
/// </summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class ExtractTests
{
    [Test]
    public async Task One_evidence_file_comes_back_with_the_dumps_on_request_and_nothing_live_is_touched()
    {
        await using var platform = await Platform.StartAsync();
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        var before = await PlatformState.CaptureAsync(platform);
        var to = Path.Combine(platform.WorkDir, "evidence");
        using var extract = await ToolRun.RunAsync(
            platform.WorkDir, "extract", "latest", "--to", to, "--include", "imports/*.csv", "--neo4j-dump", "--postgres-sql", "--json");
        using var again = await ToolRun.RunAsync(platform.WorkDir, "extract", "latest", "--to", to);
        var backupDir = platform.VisibleBackups().Select(n => Path.Combine(platform.BackupRoot, n)).Single();

        Assert.Multiple(async () =>
        {
            Assert.That(extract.ExitCode, Is.Zero, extract.Describe());
            Assert.That(Directory.GetFiles(Path.Combine(to, "uploads"), "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(Path.Combine(to, "uploads"), f)), Is.EqualTo(new[] { "imports/entities.csv" }));
            Assert.That(File.ReadAllText(Path.Combine(to, "uploads", "imports", "entities.csv")),
                Is.EqualTo(File.ReadAllText(Path.Combine(platform.Uploads, "imports", "entities.csv"))));
            Assert.That(Hash(Path.Combine(to, "neo4j.dump")), Is.EqualTo(Hash(Path.Combine(backupDir, "neo4j.dump"))));
            Assert.That(File.ReadAllText(Path.Combine(to, "postgres.sql")), Does.Contain("CREATE TABLE").And.Contain("risk_signals"));
            Assert.That(Directory.GetFileSystemEntries(to).Select(Path.GetFileName),
                Is.EquivalentTo(new[] { "uploads", "neo4j.dump", "postgres.sql" }), "no partial or staging file is left");
            using var json = JsonDocument.Parse(extract.Stdout);
            Assert.That(json.RootElement.GetProperty("uploadsFiles").GetInt32(), Is.EqualTo(1));
            Assert.That(json.RootElement.GetProperty("outcome").GetString(), Is.EqualTo("succeeded"));
            Assert.That(again.ExitCode, Is.EqualTo(2), again.Describe());
            Assert.That(again.Stderr, Does.Contain("already exists: extract writes only what is not there yet"));
            before.AssertEqual(await PlatformState.CaptureAsync(platform), "extract touches nothing live");
        });

        // A damaged archive: refused with 4, nothing written where it was going.
        var archive = Path.Combine(backupDir, "uploads.tar.gz");
        var bytes = File.ReadAllBytes(archive);
        bytes[bytes.Length / 2] ^= 0x55;
        File.WriteAllBytes(archive, bytes);
        var damagedTo = Path.Combine(platform.WorkDir, "damaged");
        using var damaged = await ToolRun.RunAsync(platform.WorkDir, "extract", "latest", "--to", damagedTo);

        Assert.Multiple(() =>
        {
            Assert.That(damaged.ExitCode, Is.EqualTo(4), damaged.Describe());
            Assert.That(
                Directory.Exists(damagedTo) ? Directory.GetFileSystemEntries(damagedTo) : [], Is.Empty, "nothing unproven is handed over");
        });
    }

    private static string Hash(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(file));
    }
}
