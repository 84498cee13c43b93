using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Discovery;

namespace Summit.Dr.Reporting;

/// <summary>
/// After every backup, restore, drill, push and prune, whatever its outcome: the metrics and the webhook,
/// side by side, each bounded by its own timeout, neither able to change the run's exit code.
/// </summary>
public sealed class RunReporter(
    RunMetrics metrics, RunNotifier notifier, PlatformDiscovery discovery, IOptions<SummitDrOptions> options)
{
    /// <summary>The platform label: Metrics:Platform, else the compose project.</summary>
    public string Platform => options.Value.Metrics.Platform is { Length: > 0 } platform ? platform : discovery.ComposeProject;

    public async Task ReportAsync(
        string operation, int exitCode, DateTimeOffset startedAt, TimeSpan duration, string? error, bool locked, RunFacts facts)
    {
        var outcome = new RunOutcome(operation, Platform, exitCode, startedAt, duration, error, locked, facts);
        // A hard bound even if a client ignored its own timeout: the run is over, its report must not hang it.
        var bound = TimeSpan.FromSeconds(Math.Max(options.Value.Metrics.TimeoutSeconds, options.Value.Notify.TimeoutSeconds) + 5);
        using var cancellation = new CancellationTokenSource(bound);
        await Task.WhenAll(metrics.PublishAsync(outcome, cancellation.Token), notifier.NotifyAsync(outcome, cancellation.Token));
    }
}
