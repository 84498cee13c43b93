namespace Summit.Dr.IO;

/// <summary>
/// Passes every read through to another stream and shows the bytes read to <see cref="Observe"/> (a hash, a
/// checksum, a count) on the way, synchronously or not.
/// </summary>
public abstract class PassThroughReadStream(Stream inner, bool ownsInner) : ReadOnlyStream
{
    /// <summary>The stream read through.</summary>
    protected Stream Inner => inner;

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Observe(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Observe(buffer.Span[..read]);
        return read;
    }

    protected abstract void Observe(ReadOnlySpan<byte> data);

    protected override void Dispose(bool disposing)
    {
        if (disposing && ownsInner)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
