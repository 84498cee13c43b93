using NLog.Config;
using NLog.Targets;
using LogLevel = NLog.LogLevel;
using Summit.Dr.Tool.Terminal;

namespace Summit.Dr.Tool.Hosting;

/// <summary>NLog writes human progress to stderr (through the status line), so stdout stays free for results and --json.</summary>
internal static class NLogSetup
{
    public static LoggingConfiguration Console(StatusLine status, bool verbose, bool quiet)
    {
        var config = new LoggingConfiguration();
        var stderr = new StatusLineTarget(status)
        {
            Name = "stderr",
            Layout = "${when:when=level==LogLevel.Warn:inner=warning\\: }${when:when=level>=LogLevel.Error:inner=error\\: " +
                "}${message}${onexception:${newline}${exception:format=ToString}}",
        };
        var minimum = verbose ? LogLevel.Debug : quiet ? LogLevel.Warn : LogLevel.Info;
        // The host's own chatter is only interesting when something is wrong with it.
        config.AddRule(LogLevel.Warn, LogLevel.Fatal, stderr, "Microsoft.*", final: true);
        config.AddRule(LogLevel.Trace, LogLevel.Fatal, new NullTarget(), "Microsoft.*", final: true);
        config.AddRule(minimum, LogLevel.Fatal, stderr);
        return config;
    }

    public static Microsoft.Extensions.Logging.LogLevel MinimumLevel(bool verbose) =>
        verbose ? Microsoft.Extensions.Logging.LogLevel.Debug : Microsoft.Extensions.Logging.LogLevel.Information;
}
