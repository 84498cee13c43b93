using System.Runtime.InteropServices;

namespace Summit.Dr.IO;

/// <summary>
/// Who owns a file, where .NET has no API for it: lchown(2), getuid(2) and getgid(2) from the C library.
/// (Reading an owner needs none: TarWriter records each entry's uid and gid itself.)
/// </summary>
public static partial class UnixOwners
{
    /// <summary>This process's user and group.</summary>
    public static (uint Uid, uint Gid) Current => (GetUid(), GetGid());

    /// <summary>This process's user and group as `docker run --user` takes them.</summary>
    public static string DockerUser => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{GetUid()}:{GetGid()}");

    /// <summary>Running as root: owners can be given away and restored.</summary>
    public static bool IsRoot => GetUid() == 0;

    /// <summary>
    /// Gives <paramref name="path"/> (a link itself, not what it points to) to <paramref name="uid"/>:<paramref name="gid"/>.
    /// False when this user may not (EPERM: only root gives files away); any other failure throws.
    /// </summary>
    public static bool TryChange(string path, uint uid, uint gid)
    {
        if (LChown(path, uid, gid) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == PermissionDenied
            ? false
            : throw new IOException($"Cannot change the owner of {path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    private const int PermissionDenied = 1;

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LChown(string path, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "getuid")]
    private static partial uint GetUid();

    [LibraryImport("libc", EntryPoint = "getgid")]
    private static partial uint GetGid();
}
