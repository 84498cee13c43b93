namespace Summit.Dr.IO;

/// <summary>What a single-member gzip file says of its content in its last 8 bytes: the CRC-32 and the length mod 2^32.</summary>
public static class GzipTrailer
{
    /// <summary>
    /// The trailer of a file read once through <paramref name="file"/>, for a reader that goes through a stream that cannot
    /// seek (a decompression): taken from the same handle at the file's end, the read left where it is.
    /// </summary>
    public static (uint Crc, uint Length)? Of(HashingReadStream file) =>
        file.Length >= 18 && file.Tail(8) is { } trailer
            ? (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer),
                System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer.AsSpan(4)))
            : null;
}
