using System.Diagnostics;
using System.Globalization;
using Summit.Dr.Testing;

namespace Summit.Dr.Benchmark;

/// <summary>
/// Watches the Neo4j container through the engine's own events while a procedure runs: when it died and
/// when it started again (`docker events`, nanosecond timestamps, no polling), then polls cypher-shell from
/// the start event on until it answers.
/// </summary>
internal sealed class Neo4jWatch : IAsyncDisposable
{
    private readonly Platform _platform;
    private readonly Process _events;
    private readonly List<(long Nanos, string Action)> _seen = [];
    private readonly TaskCompletionSource<long> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task<long?> _answered;
    private readonly CancellationTokenSource _stop = new();

    private Neo4jWatch(Platform platform, Process events)
    {
        _platform = platform;
        _events = events;
        _events.OutputDataReceived += (_, e) => OnEvent(e.Data);
        _events.BeginOutputReadLine();
        _answered = PollAfterStartAsync();
    }

    public static async Task<Neo4jWatch> StartAsync(Platform platform)
    {
        var info = new ProcessStartInfo("docker")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "events", "--filter", "container=" + platform.Neo4j, "--filter", "event=kill", "--filter", "event=die",
            "--filter", "event=start", "--format", "{{.TimeNano}} {{.Action}}" })
        {
            info.ArgumentList.Add(arg);
        }

        var watch = new Neo4jWatch(platform, Process.Start(info)!);
        // `docker events` reports only what happens after it subscribed; give it that moment.
        await Task.Delay(300);
        return watch;
    }

    /// <summary>
    /// Die to start, die to the first answer, and the clean shutdown (the stop's first signal, docker's `kill`
    /// event, to die), in seconds; null when the container never went down.
    /// </summary>
    public async Task<(double? Down, double? Unanswered, double? Shutdown)> ResultAsync()
    {
        // Events arrive shortly after the fact; wait for a start that follows a die.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            lock (_seen)
            {
                if (_seen.Count == 0 || _seen[^1].Action == "start")
                {
                    break;
                }
            }

            await Task.Delay(50);
        }

        long? died;
        long? started;
        long? killed;
        lock (_seen)
        {
            died = _seen.FirstOrDefault(e => e.Action == "die") is { Action: not null } d ? d.Nanos : null;
            started = died is { } x && _seen.FirstOrDefault(e => e.Action == "start" && e.Nanos > x) is { Action: not null } s ? s.Nanos
                : null;
            killed = died is { } y
                && _seen.FirstOrDefault(
                    e => e.Action.StartsWith("kill", StringComparison.Ordinal) && e.Nanos <= y) is { Action: not null } k ? k.Nanos : null;
        }

        if (died is null || started is null)
        {
            return (null, null, null);
        }

        var answered = await _answered.WaitAsync(TimeSpan.FromMinutes(5));
        return ((started.Value - died.Value) / 1e9, answered is { } a ? (a - died.Value) / 1e9 : null,
            killed is { } z ? (died.Value - z) / 1e9 : null);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _started.TrySetCanceled();
        if (!_events.HasExited)
        {
            _events.Kill();
        }

        await _events.WaitForExitAsync();
        _events.Dispose();
        _stop.Dispose();
    }

    private void OnEvent(string? line)
    {
        var parts = line?.Split(' ', 2);
        if (parts is not { Length: 2 } || !long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var nanos))
        {
            return;
        }

        lock (_seen)
        {
            _seen.Add((nanos, parts[1].Trim()));
            if (parts[1].Trim() == "start" && _seen.Any(e => e.Action == "die"))
            {
                _started.TrySetResult(nanos);
            }
        }
    }

    private async Task<long?> PollAfterStartAsync()
    {
        try
        {
            await _started.Task.WaitAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        while (!_stop.IsCancellationRequested)
        {
            if (await _platform.Neo4jAnswersAsync())
            {
                return DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
            }

            await Task.Delay(100);
        }

        return null;
    }
}
