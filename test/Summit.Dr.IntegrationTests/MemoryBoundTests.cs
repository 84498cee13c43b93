using System.Security.Cryptography;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>Bytes are streamed, never held: a gigabyte of uploads goes through in a bounded resident set, encrypted or not.</summary>
[TestFixture]
[CancelAfter(600_000)]
public sealed class MemoryBoundTests
{
    /// <summary>
    /// The bound the product promises at 1 GB per store (docs/performance.md, Memory): 100 MB, that is 95.4 MiB, encrypted
    /// or not. About four fifths of it is the runtime, the host and their code; the young
    /// generation is kept to 5 MiB by the tool's cap on the small-object heap (its runtimeconfig).
    /// </summary>
    private const long Bound = 100_000_000;

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_gigabyte_of_uploads_backs_up_and_restores_within_100_MB_of_resident_memory(bool encrypted)
    {
        using var keys = await GpgHome.CreateAsync();
        string[] encrypt = encrypted ? ["--set", "Encryption:PublicKeyFiles=" + keys.PublicKeyFile] : [];
        string[] decrypt = encrypted ? ["--set", "Encryption:SecretKeyFiles=" + keys.SecretKeyFile] : [];
        await using var platform = await Platform.StartAsync();
        // Evidence as it comes: large incompressible files and many small compressible ones, 1 GiB in all.
        var evidence = Path.Combine(platform.Uploads, "evidence");
        Directory.CreateDirectory(evidence);
        var chunk = new byte[1 << 20];
        for (var file = 0; file < 15; file++)
        {
            await using var output = File.Create(Path.Combine(evidence, $"capture-{file:00}.bin"));
            for (var i = 0; i < 64; i++)
            {
                RandomNumberGenerator.Fill(chunk);
                await output.WriteAsync(chunk);
            }
        }

        for (var file = 0; file < 2048; file++)
        {
            RandomNumberGenerator.Fill(chunk.AsSpan(0, 16 * 1024));
            await File.WriteAllTextAsync(Path.Combine(evidence, $"rows-{file:0000}.csv"), Convert.ToHexString(chunk, 0, 16 * 1024));
        }

        var before = Platform.HashTree(platform.Uploads);

        using var backup = ToolRun.Start(platform.WorkDir, ["backup", "--only", "uploads", .. encrypt]);
        var backupPeak = await backup.WaitMeasuringPeakAsync(TimeSpan.FromMinutes(4));
        Assert.That(backup.ExitCode, Is.Zero, backup.Describe());

        Directory.Delete(evidence, recursive: true);
        using var restore = ToolRun.Start(platform.WorkDir, ["restore", "latest", "--only", "uploads", "--yes", .. decrypt]);
        var restorePeak = await restore.WaitMeasuringPeakAsync(TimeSpan.FromMinutes(4));
        Assert.That(restore.ExitCode, Is.Zero, restore.Describe());

        TestContext.Out.WriteLine($"peak RSS: backup {backupPeak / 1048576.0:0.0} MiB, restore {restorePeak / 1048576.0:0.0} MiB " +
            $"(encrypted: {encrypted})");
        Assert.Multiple(() =>
        {
            Assert.That(backupPeak, Is.GreaterThan(0).And.LessThanOrEqualTo(Bound), $"backup peak RSS {backupPeak / 1048576.0:0.0} MiB");
            Assert.That(restorePeak, Is.GreaterThan(0).And.LessThanOrEqualTo(Bound), $"restore peak RSS {restorePeak / 1048576.0:0.0} MiB");
            Assert.That(Platform.HashTree(platform.Uploads), Is.EqualTo(before), "every upload came back byte for byte");
        });
    }

    /// <summary>
    /// The small-object heap is capped (the tool's runtimeconfig), so nothing may hold a tree's files as objects:
    /// a flat directory of 120,000 files, each archived, checked and hashed into the tree's checksum, goes
    /// through backup and restore. Listing the directory as FileInfo objects or the checksums as strings would
    /// need well over the cap and end the run with an out-of-memory error.
    /// </summary>
    [Test]
    public async Task A_flat_directory_of_120_000_files_backs_up_and_restores_under_the_heap_cap()
    {
        await using var platform = await Platform.StartAsync();
        var flat = FlatDirectory(platform, 120_000);

        var before = Platform.HashTree(platform.Uploads);

        using var backup = ToolRun.Start(platform.WorkDir, ["backup", "--only", "uploads"]);
        var backupPeak = await backup.WaitMeasuringPeakAsync(TimeSpan.FromMinutes(6));
        Assert.That(backup.ExitCode, Is.Zero, backup.Describe());

        Directory.Delete(flat, recursive: true);
        using var restore = ToolRun.Start(platform.WorkDir, ["restore", "latest", "--only", "uploads", "--yes"]);
        var restorePeak = await restore.WaitMeasuringPeakAsync(TimeSpan.FromMinutes(6));
        Assert.That(restore.ExitCode, Is.Zero, restore.Describe());

        TestContext.Out.WriteLine($"{before.Count} files, peak RSS: backup {backupPeak / 1048576.0:0.0} MiB, restore " +
            $"{restorePeak / 1048576.0:0.0} MiB");
        Assert.Multiple(() =>
        {
            Assert.That(backup.Stderr, Does.Contain($"{before.Count} files"), "every file was archived and read back");
            Assert.That(Platform.HashTree(platform.Uploads), Is.EqualTo(before), "every file came back byte for byte");
        });
    }

    /// <summary>
    /// A run that reaches a heap cap anyway (here the large-object heap's, lowered to 4 MiB through the
    /// environment, the way docs/performance.md says to raise one) fails as any run does: exit 1, one line naming the
    /// cap and the way out, and no backup left half written.
    /// </summary>
    [Test]
    public async Task A_run_that_reaches_a_heap_cap_fails_cleanly_and_names_the_way_out()
    {
        await using var platform = await Platform.StartAsync();
        FlatDirectory(platform, 60_000);

        using var backup = ToolRun.Start(
            platform.WorkDir, ["backup", "--only", "uploads"],
            new Dictionary<string, string> { ["DOTNET_GCHeapHardLimitLOH"] = "0x400000" });
        await backup.WaitAsync(TimeSpan.FromMinutes(4));

        Assert.Multiple(() =>
        {
            Assert.That(backup.ExitCode, Is.EqualTo(1), backup.Describe());
            Assert.That(backup.Stderr, Does.Contain("summit-dr: Out of memory: the run reached the tool's heap cap (docs/performance.md, " +
                "Memory) and was undone as any failed run is. Run it again with a higher cap in its environment, such as " +
                    "DOTNET_GCHeapHardLimitSOH=0x10000000"));
            Assert.That(backup.Stderr, Does.Not.Contain("Unexpected failure"));
            Assert.That(platform.VisibleBackups(), Is.Empty, "no backup was left");
            Assert.That(platform.UnfinishedBackups(), Is.Empty, "nothing half written was left");
        });
    }

    /// <summary>`uploads/flat` with <paramref name="count"/> small files, each with its own content and a long name.</summary>
    private static string FlatDirectory(Platform platform, int count)
    {
        var flat = Path.Combine(platform.Uploads, "flat");
        Directory.CreateDirectory(flat);
        for (var file = 0; file < count; file++)
        {
            File.WriteAllText(
                Path.Combine(flat, $"evidence-{file:000000}-{Guid.NewGuid():N}.txt"),
                file.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return flat;
    }
}
