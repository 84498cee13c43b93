using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;

namespace Summit.Dr.Reporting;

/// <summary>
/// Tells a webhook how a run ended, in JSON a Slack incoming webhook takes (`text`, plus `attachments` with
/// fields) and with the same facts as one structured object (`summit_dr`) for anything else. On failure by
/// default, on every run with Notify:On=always. A webhook that fails or hangs is logged (its URL without
/// path or query, where the secret lives) and given up after Notify:TimeoutSeconds: it never fails a run.
/// </summary>
public sealed class RunNotifier
{
    private readonly NotifyOptions _options;
    private readonly ILogger<RunNotifier> _logger;

    public RunNotifier(IOptions<SummitDrOptions> options, ILogger<RunNotifier> logger)
    {
        _options = options.Value.Notify;
        _logger = logger;
    }

    public bool Wants(RunOutcome outcome) =>
        _options.WebhookUrl is { Length: > 0 }
        && (!outcome.Succeeded || string.Equals(_options.On.Trim(), NotifyOptions.OnAlways, StringComparison.OrdinalIgnoreCase));

    /// <summary>The message: a line of text, the facts as Slack attachment fields, and the same facts structured.</summary>
    public static object Message(RunOutcome outcome, string host)
    {
        var headline = outcome.Succeeded
            ? $"summit-dr {outcome.Operation} succeeded on {outcome.Platform} ({host}) in {outcome.Duration.TotalSeconds:0.0} s"
            : $"summit-dr {outcome.Operation} FAILED on {outcome.Platform} ({host}): {outcome.Error ?? outcome.Result} (exit " +
                $"{outcome.ExitCode})";
        var fields = new List<(string Title, string Value)>
        {
            ("operation", outcome.Operation),
            ("result", outcome.Result),
            ("exit code", outcome.ExitCode.ToString(CultureInfo.InvariantCulture)),
            ("platform", outcome.Platform),
            ("host", host),
            ("duration", $"{outcome.Duration.TotalSeconds:0.0} s"),
        };
        if (outcome.Facts.Backup is { } backup)
        {
            fields.Add(("backup", backup));
        }

        if (outcome.Facts.Neo4jDowntimeSeconds is { } downtime)
        {
            fields.Add(("neo4j down", $"{downtime:0.0} s"));
        }

        if (outcome.Facts.RecoverySeconds is { } recovery)
        {
            fields.Add(("recovery time", $"{recovery:0.0} s"));
        }

        return new
        {
            text = headline,
            attachments = new[]
            {
                new
                {
                    color = outcome.Succeeded ? "good" : "danger",
                    fallback = headline,
                    fields = fields.Select(f => new { title = f.Title, value = f.Value, @short = true }),
                },
            },
            summit_dr = new
            {
                schemaVersion = 1,
                operation = outcome.Operation,
                result = outcome.Result,
                exitCode = outcome.ExitCode,
                succeeded = outcome.Succeeded,
                platform = outcome.Platform,
                host,
                startedAt = outcome.StartedAt,
                durationSeconds = Math.Round(outcome.Duration.TotalSeconds, 3),
                error = outcome.Error,
                backup = outcome.Facts.Backup,
                bytes = outcome.Facts.Bytes.ToDictionary(b => b.Key.ToString().ToLowerInvariant(), b => b.Value),
                neo4jDowntimeSeconds = outcome.Facts.Neo4jDowntimeSeconds,
                recoverySeconds = outcome.Facts.RecoverySeconds,
            },
        };
    }

    /// <summary>POSTs the message when the configuration wants it; logs, never throws, never waits past the timeout.</summary>
    public async Task NotifyAsync(RunOutcome outcome, CancellationToken cancellationToken)
    {
        if (!Wants(outcome))
        {
            return;
        }

        var url = _options.WebhookUrl!;
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(_options.TimeoutSeconds) };
            using var response = await client.PostAsJsonAsync(url, Message(outcome, Environment.MachineName), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                _logger.LogWarning("The webhook at {Url} answered {Status}; the run's outcome " +
                    "stands", RunMetrics.Redacted(url), (int)response.StatusCode);
            }
        }
        catch (Exception ex) when (
            ex is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException
                && !cancellationToken.IsCancellationRequested)
        {
            var error = ex is TaskCanceledException ? $"no answer within {_options.TimeoutSeconds:0.#} " +
                $"s" : ex.Message.Replace(url, RunMetrics.Redacted(url), StringComparison.Ordinal);
            _logger.LogWarning("Could not notify the webhook at {Url}: {Error}; the run's outcome stands", RunMetrics.Redacted(url), error);
        }
    }
}
