using Summit.Dr.Errors;


namespace Summit.Dr.IO;

/// <summary>
/// Writes through to another stream, but no more than <paramref name="limit"/> bytes: a download stops at the
/// size its manifest records, so a store cannot fill the disk or memory with an object larger than it should be.
/// </summary>
internal sealed class BoundedWriteStream(Stream inner, long limit, Func<string> refusal) : WriteOnlyStream
{
    private long _written;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Admit(buffer.Length);
        inner.Write(buffer);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Admit(buffer.Length);
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    private void Admit(int count)
    {
        _written += count;
        if (_written > limit)
        {
            throw new IntegrityException(refusal());
        }
    }
}
