using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.IO;

namespace Summit.Dr.Reporting;

/// <summary>
/// The Prometheus metrics of one run, in the text exposition format (0.0.4): to node_exporter's textfile
/// collector (summit_dr_OPERATION.prom, written to a temporary file and renamed over the old one) and/or
/// to a Pushgateway (job summit_dr, grouped by operation and platform, POSTed so a failed run replaces its
/// run metrics but leaves the last success standing). Names follow Prometheus conventions: base units
/// (`_seconds`, `_bytes`), `_timestamp_seconds` for Unix times. Neither target can fail or hold up the run.
/// </summary>
public sealed class RunMetrics
{
    public const string Job = "summit_dr";
    private const string LastSuccess = "summit_dr_last_success_timestamp_seconds";

    /// <summary>r-x for everyone: what node_exporter needs of the directory and (without x) of the file.</summary>
    private const UnixFileMode Readable =
        UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly MetricsOptions _options;
    private readonly WorkingDirectory _workingDirectory;
    private readonly ILogger<RunMetrics> _logger;

    public RunMetrics(IOptions<SummitDrOptions> options, WorkingDirectory workingDirectory, ILogger<RunMetrics> logger)
    {
        _options = options.Value.Metrics;
        _workingDirectory = workingDirectory;
        _logger = logger;
    }

    public bool Enabled => _options.TextfileDir is { Length: > 0 } || _options.PushgatewayUrl is { Length: > 0 };

    /// <summary>
    /// The exposition text. <paramref name="groupingLabels"/> puts operation and platform on every sample
    /// (a textfile); a Pushgateway adds them from the grouping key instead. <paramref name="lastSuccess"/> is
    /// the previous success time, kept when this run failed.
    /// </summary>
    public static string Render(RunOutcome outcome, bool groupingLabels, double? lastSuccess = null)
    {
        var text = new StringBuilder();
        var labels = groupingLabels ? $"operation=\"{Escape(outcome.Operation)}\",platform=\"{Escape(outcome.Platform)}\"" : string.Empty;

        void Gauge(string name, string help, double value, string extra = "")
        {
            if (!text.ToString().Contains($"# TYPE {name} ", StringComparison.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n");
            }

            var all = string.Join(',', new[] { labels, extra }.Where(l => l.Length > 0));
            text.Append(CultureInfo.InvariantCulture, $"{name}{(all.Length > 0 ? "{" + all + "}" : string.Empty)} {Format(value)}\n");
        }

        var ended = (outcome.StartedAt + outcome.Duration).ToUnixTimeMilliseconds() / 1000.0;
        Gauge("summit_dr_last_run_timestamp_seconds", "When the last run of this operation ended, in Unix time.", ended);
        Gauge("summit_dr_last_run_success", "1 if the last run of this operation succeeded, 0 if it did not.", outcome.Succeeded ? 1 : 0);
        Gauge("summit_dr_last_run_exit_code", "The last run's exit code: 0 success, 1 failed, 2 usage, 3 precondition (3 with " +
            "result=\"locked\": another run held the lock, a missed or overlapping schedule), 4 integrity, 5 an objective " +
                "breached (status), 130 interrupted.", outcome.ExitCode);
        Gauge("summit_dr_last_run_result", "The last run's result as a label (succeeded, failed, usage, locked, precondition, integrity, " +
            "breached, " +
            "interrupted); always 1.", 1, $"result=\"{outcome.Result}\"");
        Gauge("summit_dr_last_run_duration_seconds", "How long the last run of this operation took.", outcome.Duration.TotalSeconds);
        if ((outcome.Succeeded ? ended : lastSuccess) is { } success)
        {
            Gauge(LastSuccess, "When this operation last succeeded, in Unix time.", success);
        }

        foreach (var (component, bytes) in outcome.Facts.Bytes.OrderBy(b => b.Key))
        {
            Gauge("summit_dr_artifact_bytes", "Size of each artifact the last run wrote or read, by " +
                "component.", bytes, $"component=\"{component.ToString().ToLowerInvariant()}\"");
        }

        if (outcome.Facts.Neo4jDowntimeSeconds is { } downtime)
        {
            Gauge("summit_dr_neo4j_downtime_seconds", "How long Neo4j was stopped in the last run.", downtime);
        }

        if (outcome.Facts.Neo4jOffline is { } offline)
        {
            Gauge("summit_dr_neo4j_offline_work_seconds", "How long the work took that Neo4j was stopped for in the last run, by work: " +
                "copy or rename (a snapshot or a swap), dump or load (in place).", offline.Seconds, $"work=\"{offline.Work}\"");
        }

        if (outcome.Facts.RecoverySeconds is { } recovery)
        {
            Gauge("summit_dr_recovery_seconds", "Recovery time of the last run (a restore, or a drill's restore into scratch and its " +
                "proof), against Objectives:RtoMinutes.", recovery);
        }

        if (outcome.Facts.PushedBytes is { } pushed)
        {
            Gauge("summit_dr_pushed_bytes", "Bytes the last push sent off-site.", pushed);
        }

        if (outcome.Facts.FreedBytes is { } freed)
        {
            Gauge("summit_dr_pruned_bytes", "Bytes the last prune freed.", freed);
        }

        if (outcome.Facts.Wal is { } wal)
        {
            Gauge("summit_dr_wal_archiver_up", "1 if the WAL archiver runs and streams through its slot.", wal.Streaming ? 1 : 0);
            Gauge("summit_dr_wal_last_archived_timestamp_seconds", "Up to when the platform's WAL is archived, in Unix time (now when " +
                "the archiver has caught up): the recovery point an alert watches.",
                wal.CoveredUntil(outcome.StartedAt + outcome.Duration) is var covered && covered > DateTimeOffset.UnixEpoch
                    ? covered.ToUnixTimeMilliseconds() / 1000.0 : 0);
            Gauge("summit_dr_wal_archive_bytes", "Bytes of the WAL archive on disk.", wal.ArchiveBytes);
            if (wal.LagBytes is { } lag)
            {
                Gauge("summit_dr_wal_lag_bytes", "WAL the server wrote that the archive does not hold yet.", lag);
            }

            if (wal.Slot?.SafeWalSize is { } safe)
            {
                Gauge("summit_dr_wal_slot_safe_bytes", "How much more WAL the server may write before it gives the archiver's slot up at " +
                    "its bound.", safe);
            }
        }

        if (outcome.Facts.Status is { } status)
        {
            StatusGauges.Render(status, Gauge);
        }

        return text.ToString();
    }

    /// <summary>Writes and pushes the metrics of <paramref name="outcome"/> where configured; logs, never throws.</summary>
    public async Task PublishAsync(RunOutcome outcome, CancellationToken cancellationToken)
    {
        if (_options.TextfileDir is { Length: > 0 } directory)
        {
            try
            {
                await WriteTextfileAsync(_workingDirectory.Resolve(directory), outcome, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning("Could not write the metrics into {Directory}: {Error}", directory, ex.Message);
            }
        }

        if (_options.PushgatewayUrl is { Length: > 0 } url)
        {
            await PushAsync(url, outcome, cancellationToken);
        }
    }

    /// <summary>summit_dr_OPERATION.prom, replaced atomically: node_exporter never reads half a file.</summary>
    public static async Task WriteTextfileAsync(string directory, RunOutcome outcome, CancellationToken cancellationToken)
    {
        // Read by node_exporter, which runs as its own user: 0755 when made here, whatever the umask; an existing one keeps its mode.
        SafeFiles.CreateDirectory(directory, Readable | UnixFileMode.UserWrite);
        var path = Path.Combine(directory, $"summit_dr_{outcome.Operation}.prom");
        var text = Render(outcome, groupingLabels: true, lastSuccess: PreviousSuccess(path));
        await SafeFiles.WriteAtomicallyAsync(
            path, file => file.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).AsTask(),
            Readable & ~(UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute) | UnixFileMode.UserWrite);
    }

    /// <summary>The last success recorded in an earlier file, so a failed run does not erase it.</summary>
    private static double? PreviousSuccess(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var line = File.ReadLines(path).FirstOrDefault(
            l => l.StartsWith(LastSuccess + "{", StringComparison.Ordinal) || l.StartsWith(LastSuccess + " ", StringComparison.Ordinal));
        return line is not null
            && double.TryParse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value : null;
    }

    private async Task PushAsync(string url, RunOutcome outcome, CancellationToken cancellationToken)
    {
        var target = $"{url.TrimEnd('/')}/metrics/job/{Job}/operation/{Uri.EscapeDataString(outcome.Operation)}/platform/" +
            $"{Uri.EscapeDataString(outcome.Platform)}";
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(_options.TimeoutSeconds) };
            using var content = new StringContent(Render(outcome, groupingLabels: false), Encoding.UTF8);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain; version=0.0.4; charset=utf-8");
            using var response = await client.PostAsync(target, content, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                _logger.LogWarning("The Pushgateway at {Url} refused the metrics: {Status} " +
                    "{Body}", Redacted(url), (int)response.StatusCode,
                        (await response.Content.ReadAsStringAsync(cancellationToken)).Trim());
            }
        }
        catch (Exception ex) when (
            ex is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException
                && !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("Could not push the metrics to the Pushgateway at {Url}: " +
                "{Error}", Redacted(url), ex is TaskCanceledException ? $"no answer within {_options.TimeoutSeconds:0.#} s" : ex.Message);
        }
    }

    /// <summary>Scheme, host and port only: a URL's path, query and user info may carry a secret.</summary>
    public static string Redacted(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}" +
            $"{(uri.PathAndQuery.Length > 1 ? "/…" : string.Empty)}" : "(an invalid URL)";

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace(
            "\n", "\\n", StringComparison.Ordinal);

    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : value.ToString("0.###", CultureInfo.InvariantCulture);
}
