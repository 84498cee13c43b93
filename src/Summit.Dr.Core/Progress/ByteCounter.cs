namespace Summit.Dr.Progress;

/// <summary>Bytes a step has processed so far, written by the step and read by a live view on another thread.</summary>
public sealed class ByteCounter
{
    private long _value;

    public long Value => Interlocked.Read(ref _value);

    public void Add(long bytes) => Interlocked.Add(ref _value, bytes);
}
