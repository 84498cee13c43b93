using System.Security.Cryptography;
using Summit.Dr.IntegrationTests.Support;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>Bytes are streamed, never held: a gigabyte of uploads goes through in a bounded resident set.</summary>
[TestFixture]
[CancelAfter(600_000)]
public sealed class MemoryBoundTests
{
    /// <summary>The bound the product promises at 1 GB per store (README, Performance).</summary>
    private const long Bound = 100L * 1000 * 1000;

    [Test]
    public async Task A_gigabyte_of_uploads_backs_up_and_restores_within_100_MB_of_resident_memory()
    {
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

        using var backup = ToolRun.Start(platform.WorkDir, ["backup", "--only", "uploads"]);
        var backupPeak = await backup.WaitMeasuringPeakAsync(TimeSpan.FromMinutes(4));
        Assert.That(backup.ExitCode, Is.Zero, backup.Describe());

        Directory.Delete(evidence, recursive: true);
        using var restore = ToolRun.Start(platform.WorkDir, ["restore", "latest", "--only", "uploads", "--yes"]);
        var restorePeak = await restore.WaitMeasuringPeakAsync(TimeSpan.FromMinutes(4));
        Assert.That(restore.ExitCode, Is.Zero, restore.Describe());

        Assert.Multiple(() =>
        {
            Assert.That(backupPeak, Is.GreaterThan(0).And.LessThanOrEqualTo(Bound), $"backup peak RSS {backupPeak / 1048576.0:0.0} MiB");
            Assert.That(restorePeak, Is.GreaterThan(0).And.LessThanOrEqualTo(Bound), $"restore peak RSS {restorePeak / 1048576.0:0.0} MiB");
            Assert.That(Platform.HashTree(platform.Uploads), Is.EqualTo(before), "every upload came back byte for byte");
        });
    }
}
