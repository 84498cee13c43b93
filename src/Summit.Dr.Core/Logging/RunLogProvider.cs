using System.Globalization;
using Microsoft.Extensions.Logging;
using Summit.Dr.Errors;
using Summit.Dr.IO;

namespace Summit.Dr.Logging;

/// <summary>
/// Copies every log line into the run's own log file (summit-dr.log inside the backup) while attached.
/// Detached before the backup directory is renamed, so nothing writes into it afterwards.
/// </summary>
public sealed class RunLogProvider : ILoggerProvider
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private StreamWriter? _writer;

    public RunLogProvider(TimeProvider time)
    {
        _time = time;
    }

    public IDisposable Attach(string path)
    {
        lock (_gate)
        {
            _writer?.Dispose();
            _writer = new StreamWriter(
                new FileStream(
                    path, new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read,
                        UnixCreateMode = PrivateFiles.File })) { AutoFlush = true };
        }

        return new Detach(this);
    }

    public ILogger CreateLogger(string categoryName) => new RunLogger(this, categoryName);

    public void Dispose() => Close();

    private void Close()
    {
        lock (_gate)
        {
            _writer?.Dispose();
            _writer = null;
        }
    }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        lock (_gate)
        {
            if (_writer is null)
            {
                return;
            }

            var shortCategory = category[(category.LastIndexOf('.') + 1)..];
            try
            {
                _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{_time.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} {level,-11} " +
                    $"{shortCategory}: {message}"));
                if (exception is not null and not SummitDrException)
                {
                    _writer.WriteLine(exception.ToString());
                }
            }
            catch (IOException)
            {
                // A full disk must not turn a log line into a second failure; the console still has every line.
                try
                {
                    _writer.Dispose();
                }
                catch (IOException)
                {
                    // Its buffer cannot be written either; the file is closed all the same.
                }

                _writer = null;
            }
        }
    }

    private sealed class Detach(RunLogProvider owner) : IDisposable
    {
        public void Dispose() => owner.Close();
    }

    private sealed class RunLogger(RunLogProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Write(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
