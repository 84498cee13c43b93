using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Summit.Dr.Progress;

/// <summary>One log line per finished step with its duration and size (these lines also land in the run's log).</summary>
public sealed class LoggingProgressReporter : IProgressReporter
{
    private readonly ILogger<LoggingProgressReporter> _logger;

    public LoggingProgressReporter(ILogger<LoggingProgressReporter> logger)
    {
        _logger = logger;
    }

    public IStepProgress Start(string name, Func<long>? bytesSoFar = null, long? expectedBytes = null) => new Step(_logger, name);

    public static string FormatBytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.0} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB",
    };

    private sealed class Step(ILogger logger, string name) : IStepProgress
    {
        private readonly long _started = Stopwatch.GetTimestamp();
        private bool _done;

        public void Complete(long? bytes = null, string? detail = null)
        {
            _done = true;
            var size = bytes is { } b ? FormatBytes(b) : "-";
            logger.LogInformation("{Step,-22} {Size,10} {Seconds,7:0.0} s " +
                "{Detail}", name, size, Stopwatch.GetElapsedTime(_started).TotalSeconds, detail ?? string.Empty);
        }

        public void Cancelled() => End(LogLevel.Information, "cancelled");

        public void Refused() => End(LogLevel.Debug, "stopped");

        private void End(LogLevel level, string how)
        {
            if (!_done)
            {
                logger.Log(level, "{Step,-22} {How} after {Seconds:0.0} s", name, how, Stopwatch.GetElapsedTime(_started).TotalSeconds);
                _done = true;
            }
        }

        public void Dispose()
        {
            if (!_done)
            {
                logger.LogWarning("{Step,-22} failed after {Seconds:0.0} s", name, Stopwatch.GetElapsedTime(_started).TotalSeconds);
                _done = true;
            }
        }
    }
}
