using System.IO.Hashing;
using Summit.Dr.IO;

namespace Summit.Dr.Stores.Uploads;

/// <summary>Passes reads through while keeping the CRC-32 and length of everything read, to compare with a gzip trailer.</summary>
internal sealed class Crc32ReadStream(Stream inner) : PassThroughReadStream(inner, ownsInner: false)
{
    private readonly Crc32 _crc = new();

    public long Length32 { get; private set; }

    public uint Crc => _crc.GetCurrentHashAsUInt32();

    protected override void Observe(ReadOnlySpan<byte> data)
    {
        _crc.Append(data);
        Length32 += data.Length;
    }
}
