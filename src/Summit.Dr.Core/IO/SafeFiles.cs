using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Summit.Dr.Errors;

namespace Summit.Dr.IO;

/// <summary>
/// Files opened as summit-dr means them, where .NET has no API for it: a read that never follows a link at the
/// file's own name (open(2) with O_NOFOLLOW, optionally below a directory opened the same way, with openat(2)),
/// and what the open file is (statx(2) on the descriptor: type, owner, mode, size), so a check and the read that
/// follows are about the very same file. Linux only, like the rest of the tool.
/// </summary>
public static partial class SafeFiles
{
    private const int ReadOnly = 0;
    private const int CloseOnExec = 0x80000;
    private const int NonBlocking = 0x800;
    private const int EmptyPath = 0x1000;
    private const int SymlinkNoFollow = 0x100;
    private const int CurrentDirectory = -100;
    private const uint BasicStats = 0x7ff;
    private const int StatxBytes = 256;
    private const int NoSuchFile = 2;

    private static bool Arm => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm;

    /// <summary>O_NOFOLLOW, whose value differs between the architectures the tool runs on.</summary>
    private static int NoFollow => Arm ? 0x8000 : 0x20000;

    private static int DirectoryOnly => Arm ? 0x4000 : 0x10000;

    /// <summary>
    /// Opens a regular file for reading; a link at its name (or at <paramref name="directory"/>, when given) is
    /// refused, never followed, as is anything but a regular file. The returned stream is the one handle to read.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="UnsafeFileException">The name is a link, or not a regular file.</exception>
    public static FileStream OpenRead(string path, int bufferSize = 1 << 16, string? directory = null)
    {
        int descriptor;
        var errno = 0;
        if (directory is null)
        {
            descriptor = Open(path, ReadOnly | NoFollow | CloseOnExec | NonBlocking);
            errno = descriptor < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        else
        {
            // A trailing slash would make the kernel follow a link at the directory's name.
            directory = directory.Length > 1 ? directory.TrimEnd('/') : directory;
            var parent = Open(directory, ReadOnly | NoFollow | CloseOnExec | DirectoryOnly);
            if (parent < 0)
            {
                throw Failure(directory, Marshal.GetLastPInvokeError());
            }

            try
            {
                descriptor = OpenAt(parent, path, ReadOnly | NoFollow | CloseOnExec | NonBlocking);
                errno = descriptor < 0 ? Marshal.GetLastPInvokeError() : 0;
            }
            finally
            {
                _ = Close(parent);
            }
        }

        var where = directory is null ? path : System.IO.Path.Combine(directory, path);
        if (descriptor < 0)
        {
            throw Failure(where, errno);
        }

        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        try
        {
            var facts = Facts(handle);
            if (!facts.Regular)
            {
                throw new UnsafeFileException(where, "is not a regular file");
            }

            return new FileStream(handle, FileAccess.Read, bufferSize);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>What the open file is.</summary>
    public static FileFacts Facts(SafeFileHandle handle)
    {
        Span<byte> buffer = stackalloc byte[StatxBytes];
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            if (Statx((int)handle.DangerousGetHandle(), string.Empty, EmptyPath, BasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
            {
                throw new IOException($"Cannot tell what an open file is (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        return FileFacts.From(buffer);
    }

    /// <summary>What is at <paramref name="path"/> itself (a link is described, not followed); null when nothing is there.</summary>
    public static FileFacts? LinkFacts(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxBytes];
        if (Statx(CurrentDirectory, path, SymlinkNoFollow, BasicStats, ref MemoryMarshal.GetReference(buffer)) == 0)
        {
            return FileFacts.From(buffer);
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == NoSuchFile ? null : throw new IOException($"Cannot tell what {path} is: " +
            $"{Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    /// <summary>
    /// A file summit-dr wrote for itself and now reads back (a journal, a record): only a regular file owned by this
    /// user with mode 0600 is read, through one handle that is checked again once open. Null when there is none.
    /// </summary>
    /// <exception cref="UnsafeFileException">Anything else is at the name: the caller refuses to act on it.</exception>
    public static byte[]? ReadOwn(string path, long maxBytes = 4 << 20)
    {
        if (LinkFacts(path) is not { } seen)
        {
            return null;
        }

        Own(path, seen);
        using var file = OpenRead(path, 4096);
        var facts = Facts(file.SafeFileHandle);
        Own(path, facts);
        if (facts.Size > maxBytes)
        {
            throw new UnsafeFileException(path, $"is {facts.Size} bytes, larger than any summit-dr writes");
        }

        using var copy = new MemoryStream();
        file.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// Writes <paramref name="path"/> as a whole, never through what is at its name: a new file of a random name in
    /// the same directory (created exclusively, so a link planted there is refused, not followed), mode 0600,
    /// flushed, then renamed over the name (a rename replaces a link; it does not follow it).
    /// </summary>
    public static void WriteAtomically(string path, Action<Stream> write, UnixFileMode mode = PrivateFiles.File)
    {
        var temporary = TemporaryBeside(path);
        try
        {
            using (var stream = new FileStream(
                temporary, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None,
                    UnixCreateMode = mode }))
            {
                File.SetUnixFileMode(stream.SafeFileHandle, mode);
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <inheritdoc cref="WriteAtomically(string, Action{Stream}, UnixFileMode)"/>
    public static async Task WriteAtomicallyAsync(string path, Func<Stream, Task> write, UnixFileMode mode = PrivateFiles.File)
    {
        var temporary = TemporaryBeside(path);
        try
        {
            await using (
                var stream = new FileStream(
                    temporary, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None,
                        UnixCreateMode = mode }))
            {
                File.SetUnixFileMode(stream.SafeFileHandle, mode);
                await write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>
    /// A directory summit-dr keeps its files in: made with <paramref name="mode"/> when it is not there; one that is
    /// there must be a directory, not a link to one (which would lead every write elsewhere).
    /// </summary>
    public static void CreateDirectory(string path, UnixFileMode mode = PrivateFiles.Directory)
    {
        var full = System.IO.Path.GetFullPath(path).TrimEnd('/');
        if (LinkFacts(full) is { } there)
        {
            if (!there.Directory)
            {
                throw new UnsafeFileException(full, there.Link ? "is a link; summit-dr never follows a link it did not " +
                    "make" : "is not a directory");
            }

            return;
        }

        Directory.CreateDirectory(full, mode);
        if (LinkFacts(full) is not { Directory: true })
        {
            throw new UnsafeFileException(full, "changed into something other than a directory as it was made");
        }
    }

    private static void Own(string path, FileFacts facts)
    {
        var problem = facts.Link ? "is a link"
            : !facts.Regular ? "is not a regular file"
            : facts.Uid != UnixOwners.Current.Uid ? $"belongs to uid {facts.Uid}, not to this user (uid {UnixOwners.Current.Uid})"
            : facts.Permissions != PrivateFiles.File ? $"has mode {Convert.ToString((int)facts.Permissions, 8)}, not 600"
            : null;
        if (problem is not null)
        {
            throw new UnsafeFileException(path, problem + ": it is not a file summit-dr wrote");
        }
    }

    private static string TemporaryBeside(string path) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!,
            $".{System.IO.Path.GetFileName(path)}." +
                $"{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))}.tmp");

    private static Exception Failure(string path, int errno) => errno switch
    {
        NoSuchFile => new FileNotFoundException($"{path} does not exist", path),
        40 => new UnsafeFileException(path, "is a link; summit-dr never follows a link it did not make"),
        20 => new UnsafeFileException(path, "is not a directory"),
        13 => new UnauthorizedAccessException($"Access to {path} is denied"),
        _ => new IOException($"Cannot open {path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno),
    };

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenAt(int directory, string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, ref byte buffer);
}
