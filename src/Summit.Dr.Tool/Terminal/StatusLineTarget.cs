using NLog;
using NLog.Targets;

namespace Summit.Dr.Tool.Terminal;

/// <summary>NLog's way to stderr: every log line goes through the <see cref="StatusLine"/>, which keeps it off the live line.</summary>
[Target("StatusLine")]
internal sealed class StatusLineTarget(StatusLine status) : TargetWithLayout
{
    protected override void Write(LogEventInfo logEvent) => status.Write(RenderLogEvent(Layout, logEvent) + "\n");
}
