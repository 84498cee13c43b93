using System.Runtime.InteropServices;

namespace Summit.Dr.IO;

/// <summary>
/// fsync(2) of a directory, where .NET has no API for it: a file renamed into a directory is durable only once
/// the directory is, which matters before the only other copy of that file is removed.
/// </summary>
public static partial class DirectorySync
{
    private const int ReadOnly = 0; // O_RDONLY: what a directory is opened with to flush it

    /// <summary>Flushes <paramref name="directory"/>'s entries to disk; throws when the system says it could not.</summary>
    public static void Flush(string directory)
    {
        var descriptor = Open(directory, ReadOnly);
        if (descriptor < 0)
        {
            throw new IOException($"Could not open {directory} to flush it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (FileSync(descriptor) != 0)
            {
                throw new IOException($"Could not flush {directory} to disk (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FileSync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
