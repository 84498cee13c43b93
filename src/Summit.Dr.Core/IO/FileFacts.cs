using System.Runtime.InteropServices;

namespace Summit.Dr.IO;

/// <summary>What statx(2) says of a file: its type, owner, permission bits and size.</summary>
public readonly record struct FileFacts(uint Type, uint Uid, UnixFileMode Permissions, UnixFileMode Mode, long Size)
{
    private const uint TypeMask = 0xF000;

    public bool Regular => Type == 0x8000;

    public bool Directory => Type == 0x4000;

    public bool Link => Type == 0xA000;

    /// <summary>The layout of struct statx, which is the same on every architecture.</summary>
    internal static FileFacts From(ReadOnlySpan<byte> statx)
    {
        var uid = MemoryMarshal.Read<uint>(statx[20..]);
        var mode = MemoryMarshal.Read<ushort>(statx[28..]);
        var size = MemoryMarshal.Read<long>(statx[40..]);
        return new FileFacts(mode & TypeMask, uid, (UnixFileMode)(mode & 0x1FF), (UnixFileMode)(mode & 0xFFF), size);
    }
}
