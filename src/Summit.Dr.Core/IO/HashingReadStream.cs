using System.Security.Cryptography;

namespace Summit.Dr.IO;

/// <summary>
/// Passes reads through to a consumer (a process's standard input, an archive reader) while hashing every
/// byte of the file, so one pass over an artifact both checks its structure and proves its checksum. The
/// consumer may see a view of the file's bytes (the plaintext of an encrypted artifact) while the hash is
/// always that of the file. <see cref="FinishAsync"/> reads whatever the consumer left unread and returns the
/// SHA-256 of the whole file.
/// </summary>
public sealed class HashingReadStream : ReadOnlyStream
{
    private readonly Tap _tap;
    private readonly Stream _view;

    /// <param name="inner">The file.</param>
    /// <param name="view">What the consumer reads, over the hashed file bytes (a decryption); the bytes themselves when null.</param>
    public HashingReadStream(Stream inner, Func<Stream, Stream>? view = null)
    {
        _tap = new Tap(inner);
        try
        {
            _view = view?.Invoke(_tap) ?? _tap;
        }
        catch
        {
            _tap.Dispose();
            throw;
        }
    }

    /// <summary>Bytes of the file read so far, for progress.</summary>
    public long BytesRead => _tap.BytesRead;

    public override long Length => _tap.InnerLength;

    /// <summary>
    /// The file's last <paramref name="count"/> bytes, read at their offset through the same handle, leaving the read
    /// where it is (a gzip trailer); null when the file is shorter or not a file.
    /// </summary>
    public byte[]? Tail(int count) => _tap.Tail(count);

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer) => _view.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _view.ReadAsync(buffer, cancellationToken);

    /// <summary>
    /// Reads the rest (a consumer may stop early, as a table-of-contents reader does; a decryption checks its
    /// integrity at the end) and returns the lowercase hex SHA-256 of the file.
    /// </summary>
    public async Task<string> FinishAsync(CancellationToken cancellationToken)
    {
        await _view.CopyToAsync(Stream.Null, 1 << 16, cancellationToken);
        await _tap.CopyToAsync(Stream.Null, 1 << 16, cancellationToken);
        return _tap.Hash();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (!ReferenceEquals(_view, _tap))
            {
                _view.Dispose();
            }

            _tap.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>The file's bytes, hashed and counted as they are read.</summary>
    private sealed class Tap(Stream inner) : PassThroughReadStream(inner, ownsInner: true)
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _read;

        public long BytesRead => Interlocked.Read(ref _read);

        public long InnerLength => Inner.Length;

        public byte[]? Tail(int count)
        {
            if (Inner is not FileStream file || file.Length < count)
            {
                return null;
            }

            var tail = new byte[count];
            return RandomAccess.Read(file.SafeFileHandle, tail, file.Length - count) == count ? tail : null;
        }

        public string Hash() => Convert.ToHexStringLower(_hash.GetHashAndReset());

        protected override void Observe(ReadOnlySpan<byte> data)
        {
            _hash.AppendData(data);
            Interlocked.Add(ref _read, data.Length);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
