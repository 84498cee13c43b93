using System.Text.Json;
using Summit.Dr.Model;
using Summit.Dr.Reporting;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr.Tests.Reporting;

/// <summary>The metrics' text and their file: Prometheus names and help, labels, the last success kept across a failure, atomic
/// replacement.</summary>
[TestFixture]
[CancelAfter(10_000)]
public sealed class RunMetricsTests
{
    private static readonly DateTimeOffset Started = new(2026, 11, 29, 2, 30, 0, TimeSpan.Zero);

    [Test]
    public void A_successful_backup_reports_its_times_sizes_and_downtime_under_prometheus_names()
    {
        var text = RunMetrics.Render(Outcome(0), groupingLabels: true);

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("# TYPE summit_dr_last_run_timestamp_seconds gauge\n"));
            Assert.That(text, Does.Contain("summit_dr_last_run_timestamp_seconds{operation=\"backup\",platform=\"summit\"} " +
                "1795919412.5\n"));
            Assert.That(text, Does.Contain("summit_dr_last_success_timestamp_seconds{operation=\"backup\",platform=\"summit\"} " +
                "1795919412.5\n"));
            Assert.That(text, Does.Contain("summit_dr_last_run_success{operation=\"backup\",platform=\"summit\"} 1\n"));
            Assert.That(text, Does.Contain("summit_dr_last_run_duration_seconds{operation=\"backup\",platform=\"summit\"} 12.5\n"));
            Assert.That(text, Does.Contain("summit_dr_artifact_bytes{operation=\"backup\",platform=\"summit\",component=\"postgres\"} " +
                "1048576\n"));
            Assert.That(text, Does.Contain("summit_dr_neo4j_downtime_seconds{operation=\"backup\",platform=\"summit\"} 2.25\n"));
            Assert.That(text.Split('\n').Where(l => l.StartsWith("# HELP", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]),
                Is.Unique);
            Assert.That(text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Select(
                l => l.Split('{', ' ')[0]), Is.All.Match("^summit_dr_[a-z0-9_]+$"));
        });
    }

    [Test]
    public void A_run_that_found_the_lock_held_says_so_and_a_pushgateway_body_leaves_the_grouping_labels_to_the_url()
    {
        var text = RunMetrics.Render(Outcome(3, locked: true), groupingLabels: false, lastSuccess: 1764300000);

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("summit_dr_last_run_success 0\n"));
            Assert.That(text, Does.Contain("summit_dr_last_run_exit_code 3\n"));
            Assert.That(text, Does.Contain("summit_dr_last_run_result{result=\"locked\"} 1\n"));
            Assert.That(text, Does.Contain("summit_dr_last_success_timestamp_seconds 1764300000\n"), "the last success stands");
            Assert.That(text, Does.Not.Contain("operation="));
        });
    }

    [Test]
    public async Task The_textfile_is_replaced_whole_and_a_failure_keeps_the_last_success()
    {
        var directory = Directory.CreateTempSubdirectory("summit-dr-metrics-").FullName;
        try
        {
            await RunMetrics.WriteTextfileAsync(directory, Outcome(0), CancellationToken.None);
            await RunMetrics.WriteTextfileAsync(directory, Outcome(1, started: Started.AddDays(1)), CancellationToken.None);

            var text = await File.ReadAllTextAsync(Path.Combine(directory, "summit_dr_backup.prom"));
            Assert.Multiple(() =>
            {
                Assert.That(Directory.GetFiles(directory).Select(Path.GetFileName), Is.EqualTo(new[] { "summit_dr_backup.prom" }),
                    "no temporary file is left");
                Assert.That(text, Does.Contain("summit_dr_last_run_success{operation=\"backup\",platform=\"summit\"} 0\n"));
                Assert.That(text, Does.Contain("summit_dr_last_success_timestamp_seconds{operation=\"backup\",platform=\"summit\"} " +
                    "1795919412.5\n"));
                Assert.That(text, Does.Contain("summit_dr_last_run_timestamp_seconds{operation=\"backup\",platform=\"summit\"} " +
                    "1796005812.5\n"));
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void The_webhook_message_is_slack_text_with_fields_and_the_same_facts_structured()
    {
        var json = JsonSerializer.Serialize(RunNotifier.Message(Outcome(1, error: "Neo4j did not answer"), "db-host"));
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("text").GetString(), Is.EqualTo("summit-dr backup FAILED on summit (db-host): Neo4j did not " +
                "answer (exit 1)"));
            Assert.That(root.GetProperty("attachments")[0].GetProperty("color").GetString(), Is.EqualTo("danger"));
            Assert.That(root.GetProperty("attachments")[0].GetProperty("fields").EnumerateArray().Select(
                f => f.GetProperty("title").GetString()), Is.SupersetOf(new[] { "operation", "result", "exit code", "platform", "host" }));
            Assert.That(root.GetProperty("summit_dr").GetProperty("exitCode").GetInt32(), Is.EqualTo(1));
            Assert.That(root.GetProperty("summit_dr").GetProperty("bytes").GetProperty("postgres").GetInt64(), Is.EqualTo(1048576));
        });
    }

    [Test]
    public void The_wal_archive_reports_its_recovery_point_lag_and_size()
    {
        var slot = new SlotState(true, 0x3000000, "reserved", 6L << 30, 0x3000100, 0x3000100, 0.4);
        var streaming = new WalStatus(
            "running", "7714-00000001", ("000000010000000000000003.partial", Started), 0, 0.4, slot, 8192, 96L << 20, []);
        var stopped = streaming with { Archiver = "exited", LagBytes = 4096 };
        var facts = new RunFacts { Wal = streaming };
        var text = RunMetrics.Render(
            new RunOutcome("wal", "summit", 0, Started, TimeSpan.FromSeconds(2), null, false, facts), groupingLabels: false);
        var behind = RunMetrics.Render(
            new RunOutcome("wal", "summit", 0, Started, TimeSpan.FromSeconds(2), null, false, new RunFacts { Wal = stopped }),
            groupingLabels: false);

        Assert.Multiple(() =>
        {
            // Streaming with nothing outstanding: archived up to the end of the run, less the interval the archiver reports in.
            Assert.That(text, Does.Contain($"summit_dr_wal_last_archived_timestamp_seconds " +
                $"{Started.AddSeconds(2 - 1).ToUnixTimeSeconds()}\n"));
            Assert.That(text, Does.Contain("summit_dr_wal_archiver_up 1\n"));
            Assert.That(text, Does.Contain("summit_dr_wal_lag_bytes 0\n"));
            Assert.That(text, Does.Contain($"summit_dr_wal_archive_bytes {96L << 20}\n"));
            Assert.That(text, Does.Contain($"summit_dr_wal_slot_safe_bytes {6L << 30}\n"));
            // Stopped: archived up to its last write, however late the run.
            Assert.That(behind, Does.Contain($"summit_dr_wal_last_archived_timestamp_seconds {Started.ToUnixTimeSeconds()}\n"));
            Assert.That(behind, Does.Contain("summit_dr_wal_archiver_up 0\n"));
        });
    }

    [Test]
    public void A_url_is_logged_without_its_path_query_or_user()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RunMetrics.Redacted("https://hooks.slack.com/services/T000/B000/XXXXSECRET"),
                Is.EqualTo("https://hooks.slack.com/…"));
            Assert.That(RunMetrics.Redacted("http://user:pass@pushgateway:9091"), Is.EqualTo("http://pushgateway:9091"));
        });
    }

    private static RunOutcome Outcome(int exitCode, bool locked = false, string? error = null, DateTimeOffset? started = null)
    {
        var facts = new RunFacts
        {
            Backup = "20261129_023000",
            Neo4jDowntimeSeconds = 2.25,
            Bytes = new Dictionary<BackupComponent, long> { [BackupComponent.Postgres] = 1 << 20 },
        };
        return new RunOutcome("backup", "summit", exitCode, started ?? Started, TimeSpan.FromSeconds(12.5), error, locked, facts);
    }
}
