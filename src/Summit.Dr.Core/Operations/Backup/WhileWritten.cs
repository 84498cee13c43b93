using System.Buffers;
using System.IO.Pipelines;
using Summit.Dr.IO;

namespace Summit.Dr.Operations.Backup;

/// <summary>
/// Checks an artifact while it is written: the writer's destination is teed into a pipe that a checker reads
/// on another task, so the bytes are proved readable without reading the file back. The copy is the
/// plaintext, taken before any encryption, so a backup that can only encrypt (it holds public keys) still
/// checks what it wrote.
/// </summary>
internal static class WhileWritten
{
    /// <summary>
    /// Runs <paramref name="write"/>, which wraps its destination with the tee it is given, and
    /// <paramref name="check"/> over the copy. A checker that stops early (a table-of-contents reader) has the
    /// rest drained for it. When the checker fails first, its failure is the one reported: it names the damage.
    /// </summary>
    public static async Task<(TWritten Written, TChecked Checked)> RunAsync<TWritten, TChecked>(
        Func<Func<Stream, Stream>, Task<TWritten>> write, Func<Stream, CancellationToken, Task<TChecked>> check,
            CancellationToken cancellationToken)
    {
        // A quarter of a MiB in flight is enough to keep the checker busy; a full backup runs three of these at once.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 256 << 10, resumeWriterThreshold: 128 << 10));
        Task<TChecked>? checking = null;
        Exception? CheckerFailure() => checking is { IsFaulted: true } ? checking.Exception!.InnerException : null;
        await using var copy = pipe.Writer.AsStream(leaveOpen: true);

        // The writer starts first (a step's records follow the order its work starts in); the pipe holds its
        // first bytes until the checker reads them.
        var writing = Write();
        checking = Task.Run(async () =>
        {
            try
            {
                var reading = new CopyStream(pipe.Reader);
                var result = await check(reading, cancellationToken);
                await reading.CopyToAsync(Stream.Null, cancellationToken);
                await pipe.Reader.CompleteAsync();
                return result;
            }
            catch (Exception ex)
            {
                await pipe.Reader.CompleteAsync(ex);
                throw;
            }
        }, cancellationToken);

        TWritten written;
        try
        {
            written = await writing;
        }
        catch (Exception ex)
        {
            // A checker that failed first is the cause (the tee stopped the writer); else the writer's failure is.
            var checkerFailedFirst = checking.IsFaulted;
            await pipe.Writer.CompleteAsync(ex);
            if (checkerFailedFirst)
            {
                await checking;
            }

            // Else the checker stops because the writer did: the writer's failure is the one reported.
            await ((Task)checking).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        await pipe.Writer.CompleteAsync();
        return (written, await checking);

        Task<TWritten> Write() => write(destination => new TeeWriteStream(destination, copy, CheckerFailure));
    }

    /// <summary>
    /// The copy as the checker, then the drain, read it: one read at a time, and a read once begun is not
    /// cancelled. A process runner that stops feeding a process's standard input abandons its pending read
    /// and cancels it; on the pipe itself that read would still be pending, or its cancellation delivered
    /// to the drain's read. Here it completes (the writer goes on or ends) and its bytes are discarded. The
    /// checker may dispose the stream; the pipe is completed by its owner.
    /// </summary>
    private sealed class CopyStream(PipeReader reader) : ReadOnlyStream
    {
        private readonly Stream _pipe = reader.AsStream(leaveOpen: true);
        private readonly SemaphoreSlim _one = new(1, 1);

        public override int Read(Span<byte> buffer)
        {
            var rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
            try
            {
                var read = ReadAsync(rented.AsMemory(0, buffer.Length)).AsTask().GetAwaiter().GetResult();
                rented.AsSpan(0, read).CopyTo(buffer);
                return read;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await _one.WaitAsync(CancellationToken.None);
            try
            {
                var read = await _pipe.ReadAsync(buffer, CancellationToken.None);
                cancellationToken.ThrowIfCancellationRequested();
                return read;
            }
            finally
            {
                _one.Release();
            }
        }
    }
}
