using Summit.Dr.Testing;


namespace Summit.Dr.IntegrationTests.Support;

/// <summary>A tmpfs of a chosen size, mounted for one test (the tests run as root, as CI does) and unmounted after.</summary>
internal sealed class SmallDisk : IAsyncDisposable
{
    private SmallDisk(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public static async Task<SmallDisk> MountAsync(string path, int megabytes)
    {
        Directory.CreateDirectory(path);
        var mount = await Sh.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path]);
        Assert.That(mount.ExitCode, Is.Zero, "These tests mount a small tmpfs and need root (CI runs as root): " + mount.StandardError);
        return new SmallDisk(path);
    }

    /// <summary>Fills what is left, as another process writing would.</summary>
    public Task FillAsync() => Sh.RunAsync("dd", ["if=/dev/zero", "of=" + System.IO.Path.Combine(Path, "filler"), "bs=256k"]);

    public async ValueTask DisposeAsync() => await Sh.RunAsync("umount", ["-l", Path]);
}
