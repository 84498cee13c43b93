using Summit.Dr.Progress;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Terminal;

/// <summary>
/// On a terminal, a live line of the steps still streaming and their bytes so far; the finished-step lines
/// come from <see cref="LoggingProgressReporter"/>. Without a terminal it adds nothing.
/// </summary>
internal sealed class LiveProgressReporter : IProgressReporter, IDisposable
{
    private static readonly string[] Spinner = ["|", "/", "-", "\\"];
    private readonly LoggingProgressReporter _lines;
    private readonly ToolConsole _console;
    private readonly Dictionary<string, Func<long>?> _running = new();
    private readonly object _gate = new();
    private readonly ITimer? _timer;
    private int _frame;

    public LiveProgressReporter(LoggingProgressReporter lines, ToolConsole console, TimeProvider time)
    {
        _lines = lines;
        _console = console;
        if (console.ErrorIsTerminal)
        {
            _timer = time.CreateTimer(_ => Draw(), null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
        }
    }

    public IStepProgress Start(string name, Func<long>? bytesSoFar = null)
    {
        lock (_gate)
        {
            _running[name] = bytesSoFar;
        }

        return new Step(this, name, _lines.Start(name, bytesSoFar));
    }

    public void Dispose() => _timer?.Dispose();

    private void Finish(string name)
    {
        lock (_gate)
        {
            _running.Remove(name);
            Clear();
        }
    }

    private void Draw()
    {
        lock (_gate)
        {
            if (_running.Count == 0)
            {
                return;
            }

            var parts = _running.Select(r => r.Value is { } bytes ? $"{r.Key} {LoggingProgressReporter.FormatBytes(bytes())}" : r.Key);
            _console.Error.Write($"\r\u001b[K{Spinner[_frame++ % Spinner.Length]} {string.Join(" · ", parts)}");
        }
    }

    private void Clear()
    {
        if (_timer is not null)
        {
            _console.Error.Write("\r\u001b[K");
        }
    }

    private sealed class Step(LiveProgressReporter owner, string name, IStepProgress line) : IStepProgress
    {
        public void Complete(long? bytes = null, string? detail = null)
        {
            owner.Finish(name);
            line.Complete(bytes, detail);
        }

        public void Dispose()
        {
            owner.Finish(name);
            line.Dispose();
        }
    }
}
