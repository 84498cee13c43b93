using System.Text;
using Summit.Dr.Errors;

namespace Summit.Dr.Engine.Processes;

/// <summary>
/// A process's standard output as it arrives, split into lines, with a wait for the first line that starts
/// with a given word: how the tool converses with a psql session that stays open.
/// </summary>
public sealed class LineCollectingStream : Stream
{
    private readonly object _gate = new();
    private readonly List<string> _lines = [];
    private readonly StringBuilder _partial = new();
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private readonly List<(string Prefix, TaskCompletionSource<string> Found)> _waiters = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return _lines.ToList();
            }
        }
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>The first line starting with <paramref name="prefix"/>; fails when <paramref name="process"/> ends first.</summary>
    public async Task<string> WaitForAsync(string prefix, Task<ProcessResult> process, CancellationToken cancellationToken)
    {
        TaskCompletionSource<string> found;
        lock (_gate)
        {
            if (_lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }

            found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((prefix, found));
        }

        var first = await Task.WhenAny(found.Task, process).WaitAsync(cancellationToken);
        if (first == found.Task)
        {
            return await found.Task;
        }

        var result = await process;
        throw new OperationFailedException($"psql ended before it answered: {result.ErrorSummary}");
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            var chars = new char[_decoder.GetCharCount(buffer, flush: false)];
            _partial.Append(chars, 0, _decoder.GetChars(buffer, chars, flush: false));
            int newline;
            while ((newline = IndexOfNewline()) >= 0)
            {
                var line = _partial.ToString(0, newline).TrimEnd('\r');
                _partial.Remove(0, newline + 1);
                _lines.Add(line);
                foreach (var waiter in _waiters.Where(w => line.StartsWith(w.Prefix, StringComparison.Ordinal)).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Found.TrySetResult(line);
                }
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private int IndexOfNewline()
    {
        for (var i = 0; i < _partial.Length; i++)
        {
            if (_partial[i] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}
