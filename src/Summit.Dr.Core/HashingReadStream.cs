using System.Security.Cryptography;

namespace Summit.Dr;

/// <summary>
/// Passes reads through to a consumer (a process's standard input, an archive reader) while hashing every
/// byte, so one pass over an artifact both checks its structure and proves its checksum.
/// <see cref="FinishAsync"/> reads whatever the consumer left unread and returns the SHA-256 of the whole.
/// </summary>
public sealed class HashingReadStream : Stream
{
    private readonly Stream _inner;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;

    public HashingReadStream(Stream inner)
    {
        _inner = inner;
    }

    /// <summary>Bytes read so far, for progress.</summary>
    public long BytesRead => Interlocked.Read(ref _read);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _inner.Length;

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(buffer);
        Track(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken);
        Track(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Reads the rest (a consumer may stop early, as a table-of-contents reader does) and returns the lowercase hex SHA-256.</summary>
    public async Task<string> FinishAsync(CancellationToken cancellationToken)
    {
        await CopyToAsync(Stream.Null, 1 << 16, cancellationToken);
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Track(ReadOnlySpan<byte> data)
    {
        _hash.AppendData(data);
        Interlocked.Add(ref _read, data.Length);
    }
}
