using System.IO.Pipelines;
using System.Text;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Errors;

namespace Summit.Dr.Stores.Postgres;

/// <summary>
/// The psql session of a dump: it exports its snapshot, counts every table's rows in it once pg_dump has
/// imported it, and stays open (its transaction holding the snapshot) until pg_dump is done.
/// </summary>
internal sealed class SnapshotSession(string database, string container) : IAsyncDisposable
{
    /// <summary>What the plan shows where the snapshot's id goes; the run puts the exported one there.</summary>
    public const string Placeholder = "<snapshot>";

    private readonly Pipe _commands = new();
    private readonly LineCollectingStream _answers = new();
    private Task<ProcessResult>? _psql;
    private string? _snapshot;

    /// <summary>Starts the session through <paramref name="run"/> and returns once it has exported its snapshot.</summary>
    public async Task OpenAsync(ProcessSpec spec, Func<ProcessSpec, Task<ProcessResult>> run, CancellationToken cancellationToken)
    {
        _psql = run(spec with { StandardInput = _commands.Reader.AsStream(), StandardOutput = _answers });
        await _commands.Writer.WriteAsync(Encoding.UTF8.GetBytes(PostgresCommands.ExportSnapshot), cancellationToken);
        _snapshot = (await _answers.WaitForAsync("snapshot\t", _psql, cancellationToken)).Split('\t')[1];
        await _commands.Writer.WriteAsync(Encoding.UTF8.GetBytes(PostgresCommands.CountRows), cancellationToken);
    }

    /// <summary>The command with the exported snapshot in place of <see cref="Placeholder"/>.</summary>
    public ProcessSpec InSnapshot(ProcessSpec spec) =>
        spec with { Arguments = [.. spec.Arguments.Select(
            a => a.Replace(Placeholder, _snapshot ?? throw new InvalidOperationException("The session has not exported its " +
                "snapshot."), StringComparison.Ordinal))] };

    /// <summary>Once pg_dump is done: the counts, then the session's transaction ends.</summary>
    public async Task<IReadOnlyList<string>> CommitAsync(CancellationToken cancellationToken)
    {
        var psql = _psql ?? throw new InvalidOperationException("The session was not opened.");
        await _answers.WaitForAsync("counted", psql, cancellationToken);
        await _commands.Writer.WriteAsync("COMMIT;\n"u8.ToArray(), cancellationToken);
        await _commands.Writer.CompleteAsync();
        var ended = await psql;
        return ended.Succeeded
            ? _answers.Lines
            : throw new OperationFailedException($"Counting the rows of database '{database}' in container '{container}' failed: " +
                $"{ended.ErrorSummary}");
    }

    public async ValueTask DisposeAsync()
    {
        // The end of its input ends psql, and its transaction with it.
        await _commands.Writer.CompleteAsync();
        if (_psql is not null)
        {
            // Ended on purpose once pg_dump is done (or failed): how the session ended says nothing more.
            await ((Task)_psql).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
