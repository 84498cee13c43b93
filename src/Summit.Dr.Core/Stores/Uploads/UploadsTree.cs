namespace Summit.Dr.Stores.Uploads;

/// <summary>The uploads directory as it is on disk: its regular files and their bytes.</summary>
public static class UploadsTree
{
    /// <summary>What tar adds to each file: a 512-byte header, and padding of its data to 512 bytes.</summary>
    public const long TarBytesPerFile = 1024;

    /// <summary>What an extracted file takes on disk beyond its bytes: up to one filesystem block.</summary>
    public const long DiskBytesPerFile = 4096;

    /// <summary>Files and bytes under <paramref name="path"/> (symbolic links are not followed); zero when it does not exist.</summary>
    public static (int Files, long Bytes) Measure(string path)
    {
        if (!Directory.Exists(path))
        {
            return (0, 0);
        }

        var files = 0;
        var bytes = 0L;
        foreach (var file in new DirectoryInfo(path).EnumerateFiles(
            "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (file.LinkTarget is null)
            {
                files++;
                bytes += file.Length;
            }
        }

        return (files, bytes);
    }
}
