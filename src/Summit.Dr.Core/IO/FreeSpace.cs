namespace Summit.Dr.IO;

/// <summary>Free space where a backup root is (or will be created).</summary>
public static class FreeSpace
{
    /// <summary>The bytes available to this process on the filesystem of <paramref name="root"/>, and the existing directory
    /// measured.</summary>
    public static (long Bytes, string At) Of(string root)
    {
        var existing = root;
        while (!Directory.Exists(existing))
        {
            existing = Path.GetDirectoryName(existing) ?? "/";
        }

        return (new DriveInfo(existing).AvailableFreeSpace, existing);
    }
}
