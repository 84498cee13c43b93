using System.Diagnostics;
using System.Globalization;
using Summit.Dr.Progress;

namespace Summit.Dr.Tool.Terminal;

/// <summary>
/// On a terminal, a live line of the steps still running: bytes so far and the rate, and where the end is
/// known, the percentage and the time left, as restic and rsync show them. The finished-step lines come
/// from <see cref="LoggingProgressReporter"/>. Without a terminal it adds nothing.
/// </summary>
internal sealed class LiveProgressReporter : IProgressReporter, IDisposable
{
    private static readonly string[] Spinner = ["|", "/", "-", "\\"];
    private readonly LoggingProgressReporter _lines;
    private readonly StatusLine _status;
    private readonly List<Running> _running = [];
    private readonly object _gate = new();
    private readonly ITimer? _timer;
    private int _frame;

    public LiveProgressReporter(LoggingProgressReporter lines, ToolConsole console, TimeProvider time)
    {
        _lines = lines;
        _status = console.Status;
        if (_status.IsTerminal)
        {
            _timer = time.CreateTimer(_ => Draw(), null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
        }
    }

    public IStepProgress Start(string name, Func<long>? bytesSoFar = null, long? expectedBytes = null)
    {
        var running = new Running(name, bytesSoFar, expectedBytes is > 0 ? expectedBytes : null, Stopwatch.GetTimestamp());
        lock (_gate)
        {
            _running.Add(running);
        }

        return new Step(this, running, _lines.Start(name, bytesSoFar, expectedBytes));
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _status.Show(null);
    }

    /// <summary>One step's part of the live line, e.g. `uploads archive 45% 12.3 MiB/27.1 MiB 9.8 MiB/s ETA 0:02`.</summary>
    internal static string Describe(string name, long? bytes, long? expected, TimeSpan elapsed)
    {
        if (bytes is not { } done)
        {
            return name;
        }

        var rate = elapsed.TotalSeconds >= 0.25 ? done / elapsed.TotalSeconds : 0;
        var speed = rate > 0 ? $" {LoggingProgressReporter.FormatBytes((long)rate)}/s" : string.Empty;
        if (expected is { } total && done <= total)
        {
            var percent = (int)Math.Min(99, done * 100 / total);
            var left = rate > 0 ? $" ETA {Clock(TimeSpan.FromSeconds((total - done) / rate))}" : string.Empty;
            return $"{name} {percent}% " +
                $"{LoggingProgressReporter.FormatBytes(done)}/{LoggingProgressReporter.FormatBytes(total)}{speed}{left}";
        }

        return $"{name} {LoggingProgressReporter.FormatBytes(done)}{speed}";
    }

    private static string Clock(TimeSpan span) => span.TotalHours >= 1
        ? span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
        : span.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    private void Finish(Running running)
    {
        lock (_gate)
        {
            _running.Remove(running);
        }

        // Redrawn without the finished step before its completion line is logged.
        Draw(advance: false);
    }

    private void Draw() => Draw(advance: true);

    private void Draw(bool advance)
    {
        if (_timer is null)
        {
            return;
        }

        string? line;
        lock (_gate)
        {
            line = _running.Count == 0
                ? null
                : $"{Spinner[(advance ? ++_frame : _frame) % Spinner.Length]} " +
                    string.Join(" · ",
                        _running.Select(r => Describe(r.Name, r.BytesSoFar?.Invoke(), r.Expected, Stopwatch.GetElapsedTime(r.Started))));
        }

        _status.Show(line);
    }

    private sealed class Running(string name, Func<long>? bytesSoFar, long? expected, long started)
    {
        public string Name { get; } = name;

        public Func<long>? BytesSoFar { get; } = bytesSoFar;

        public long? Expected { get; } = expected;

        public long Started { get; } = started;
    }

    private sealed class Step(LiveProgressReporter owner, Running running, IStepProgress line) : IStepProgress
    {
        public void Complete(long? bytes = null, string? detail = null)
        {
            owner.Finish(running);
            line.Complete(bytes, detail);
        }

        public void Cancelled()
        {
            owner.Finish(running);
            line.Cancelled();
        }

        public void Refused()
        {
            owner.Finish(running);
            line.Refused();
        }

        public void Dispose()
        {
            owner.Finish(running);
            line.Dispose();
        }
    }
}
