using Microsoft.Extensions.Logging;

namespace Summit.Dr.Engine.Processes;

/// <summary>Logs every command at debug level (`-v`) before it runs. Commands carry no secret values.</summary>
public sealed class LoggingProcessRunner(IProcessRunner inner, ILogger<LoggingProcessRunner> logger) : IProcessRunner
{
    public async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        logger.LogDebug("run: {Command}", spec.Display);
        var result = await inner.RunAsync(spec, cancellationToken);
        logger.LogDebug("exit {ExitCode} after {Seconds:0.00} s: {Command}", result.ExitCode, result.Duration.TotalSeconds, spec.Display);
        return result;
    }
}
