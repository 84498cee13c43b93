using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// Running unattended: metrics pushed to Debian's real Pushgateway and written for node_exporter (checked by
/// promtool), a webhook told of failures (and of every run when asked) that can neither fail nor hold up a
/// run, and an overlapping run refused by the lock and said plainly in the metrics.
/// </summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class UnattendedTests
{
    [Test]
    public async Task Metrics_reach_the_pushgateway_and_the_textfile_after_a_success_and_after_a_failure()
    {
        await using var platform = await Platform.StartAsync();
        var port = FreePort();
        using var gateway = Process.Start(
            new ProcessStartInfo(
                "prometheus-pushgateway", [$"--web.listen-address=127.0.0.1:{port}"]) { RedirectStandardError = true,
                RedirectStandardOutput = true })!;
        try
        {
            await WaitListeningAsync(port);
            string[] metrics = ["--set", $"Metrics:PushgatewayUrl=http://127.0.0.1:{port}", "--set", "Metrics:TextfileDir=metrics",
                "--set", "Metrics:Platform=summit-test"];
            using (var backup = await ToolRun.RunAsync(platform.WorkDir, ["backup", "--only", "postgres", .. metrics]))
            {
                Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
            }

            var pushed = await ScrapeAsync(port);
            var labels = "instance=\"\",job=\"summit_dr\",operation=\"backup\",platform=\"summit-test\"";
            Assert.Multiple(() =>
            {
                Assert.That(pushed, Does.Contain($"summit_dr_last_run_success{{{labels}}} 1"));
                Assert.That(pushed, Does.Contain($"summit_dr_last_success_timestamp_seconds{{{labels}}}"));
                Assert.That(pushed, Does.Match($"summit_dr_artifact_bytes\\{{component=\"postgres\",{labels}\\}} [1-9]"));
            });

            // A failed run: its own metrics replace the last run's, the last success stands.
            using (var failed = await ToolRun.RunAsync(
                platform.WorkDir, ["backup", "--only", "postgres", "--set", "Postgres:Container=nowhere", .. metrics]))
            {
                Assert.That(failed.ExitCode, Is.EqualTo(3), failed.Describe());
            }

            pushed = await ScrapeAsync(port);
            var file = Path.Combine(platform.WorkDir, "metrics", "summit_dr_backup.prom");
            var text = await File.ReadAllTextAsync(file);
            var check = await Sh.RunAsync("promtool", ["check", "metrics"], stdin: File.OpenRead(file));
            Assert.Multiple(() =>
            {
                Assert.That(pushed, Does.Contain($"summit_dr_last_run_success{{{labels}}} 0"));
                Assert.That(pushed, Does.Contain($"summit_dr_last_run_exit_code{{{labels}}} 3"));
                Assert.That(pushed, Does.Contain($"summit_dr_last_success_timestamp_seconds{{{labels}}}"), "the last success stands on " +
                    "the gateway");
                Assert.That(text, Does.Contain("summit_dr_last_run_success{operation=\"backup\",platform=\"summit-test\"} 0"));
                Assert.That(text, Does.Contain("summit_dr_last_success_timestamp_seconds{operation=\"backup\",platform=\"summit-test\"}"),
                    "and in the textfile");
                Assert.That(check.ExitCode, Is.Zero, "promtool check metrics: " + check.StandardOutput + check.StandardError);
                Assert.That(Directory.GetFiles(Path.GetDirectoryName(file)!), Has.Length.EqualTo(1), "no temporary file is left");
            });
        }
        finally
        {
            gateway.Kill();
            await gateway.WaitForExitAsync();
        }
    }

    [Test]
    public async Task An_overlapping_run_is_refused_by_the_lock_and_the_metrics_say_locked()
    {
        await using var platform = await Platform.StartAsync();
        await platform.SetKnobAsync("dump-slow", "8");
        using var first = ToolRun.Start(platform.WorkDir, ["backup"]);
        var lockFile = Path.Combine(platform.BackupRoot, ".summit-dr.lock");
        await WaitUntilAsync(() => File.Exists(lockFile), "the first run takes the lock");

        using var second = await ToolRun.RunAsync(platform.WorkDir, "backup", "--set", "Metrics:TextfileDir=metrics");
        await first.WaitAsync(TimeSpan.FromMinutes(3));

        var text = await File.ReadAllTextAsync(Path.Combine(platform.WorkDir, "metrics", "summit_dr_backup.prom"));
        Assert.Multiple(() =>
        {
            Assert.That(second.ExitCode, Is.EqualTo(3), second.Describe());
            Assert.That(second.Stderr, Does.Contain("Another summit-dr backup is running"));
            Assert.That(text, Does.Match("summit_dr_last_run_result\\{operation=\"backup\",platform=\"[^\"]+\",result=\"locked\"\\} 1"));
            Assert.That(first.ExitCode, Is.Zero, first.Describe());
        });
    }

    [Test]
    public async Task The_webhook_hears_of_a_failure_and_with_on_always_of_a_success_and_never_sees_its_secret_logged()
    {
        await using var platform = await Platform.StartAsync();
        using var hook = new Webhook();
        var url = $"http://127.0.0.1:{hook.Port}/services/T000/B000/S3CR3T-TOKEN";

        // The webhook's URL is a secret: it comes from the environment, as --set refuses it.
        using var failed = await RunWithWebhookAsync(platform, url, "backup", "--set", "Postgres:Container=nowhere");
        using var quiet = await RunWithWebhookAsync(platform, url, "backup", "--only", "postgres");
        using var always = await RunWithWebhookAsync(platform, url, "backup", "--only", "postgres", "--set", "Notify:On=always");

        var messages = hook.Received;
        Assert.Multiple(() =>
        {
            Assert.That((failed.ExitCode, quiet.ExitCode, always.ExitCode), Is.EqualTo((3, 0, 0)));
            Assert.That(messages, Has.Count.EqualTo(2), "a failure, and a success only with Notify:On=always");
            Assert.That(messages[0].Path, Is.EqualTo("/services/T000/B000/S3CR3T-TOKEN"));
            Assert.That(messages[0].Json.GetProperty("text").GetString(), Does.StartWith("summit-dr backup FAILED " +
                "on").And.Contain("nowhere"));
            Assert.That(messages[0].Json.GetProperty("summit_dr").GetProperty("exitCode").GetInt32(), Is.EqualTo(3));
            Assert.That(messages[1].Json.GetProperty("summit_dr").GetProperty("result").GetString(), Is.EqualTo("succeeded"));
            Assert.That(messages[1].Json.GetProperty("attachments")[0].GetProperty("color").GetString(), Is.EqualTo("good"));
        });
    }

    [Test]
    public async Task A_webhook_that_hangs_or_is_gone_delays_the_run_only_by_its_timeout_and_changes_nothing_but_a_logged_warning()
    {
        await using var platform = await Platform.StartAsync();
        using var hanging = new Webhook(hang: true);
        var secret = "S3CR3T-TOKEN";
        var watch = Stopwatch.StartNew();
        using var slow = await RunWithWebhookAsync(
            platform, $"http://127.0.0.1:{hanging.Port}/hooks/{secret}", "backup", "--only", "postgres",
            "--set", "Notify:On=always", "--set", "Notify:TimeoutSeconds=2");
        var withHook = watch.Elapsed;
        using var gone = await RunWithWebhookAsync(
            platform, $"http://127.0.0.1:{FreePort()}/hooks/{secret}", "backup", "--only", "postgres",
            "--set", "Notify:On=always");

        Assert.Multiple(() =>
        {
            Assert.That(slow.ExitCode, Is.Zero, slow.Describe());
            Assert.That(slow.Stderr, Does.Contain("Could not notify the webhook at http://127.0.0.1:").And.Contain("no answer within 2 " +
                "s").And.Not.Contain(secret));
            Assert.That(withHook, Is.LessThan(TimeSpan.FromSeconds(60)), "bounded by the timeout, not by the webhook");
            Assert.That(hanging.Received, Has.Count.EqualTo(1), "the hanging webhook did receive the request");
            Assert.That(gone.ExitCode, Is.Zero, gone.Describe());
            Assert.That(gone.Stderr, Does.Contain("Could not notify the webhook").And.Not.Contain(secret));
        });
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitListeningAsync(int port)
    {
        await WaitUntilAsync(() =>
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, $"something listens on {port}");
    }

    private static async Task<string> ScrapeAsync(int port)
    {
        using var client = new HttpClient();
        return await client.GetStringAsync($"http://127.0.0.1:{port}/metrics");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(1))
            {
                throw new TimeoutException("Timed out waiting until " + what);
            }

            await Task.Delay(50);
        }
    }

    /// <summary>A local HTTP listener standing in for Slack: records every POST, answers 200, or never answers.</summary>
    private sealed class Webhook : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly List<(string Path, JsonElement Json)> _received = [];
        private readonly bool _hang;
        private readonly Task _serving;

        public Webhook(bool hang = false)
        {
            _hang = hang;
            Port = FreePort();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            _serving = Task.Run(ServeAsync);
        }

        public int Port { get; }

        public IReadOnlyList<(string Path, JsonElement Json)> Received
        {
            get
            {
                lock (_received)
                {
                    return [.. _received];
                }
            }
        }

        public void Dispose()
        {
            _listener.Close();
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var document = await JsonDocument.ParseAsync(context.Request.InputStream);
                lock (_received)
                {
                    _received.Add((context.Request.Url!.AbsolutePath, document.RootElement.Clone()));
                }

                if (!_hang)
                {
                    context.Response.StatusCode = 200;
                    context.Response.Close();
                }
            }
        }
    }

    private static async Task<ToolRun> RunWithWebhookAsync(Platform platform, string url, params string[] args)
    {
        var run = ToolRun.Start(platform.WorkDir, args, new Dictionary<string, string> { ["SUMMIT_DR_Notify__WebhookUrl"] = url });
        await run.WaitAsync(TimeSpan.FromMinutes(3));
        return run;
    }
}
