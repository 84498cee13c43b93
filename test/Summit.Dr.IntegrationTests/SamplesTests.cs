using System.Text.Json;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// What samples/ hands to operators works as written: the systemd units pass `systemd-analyze verify`, the
/// alert rules `promtool check rules`, and
/// the container image builds offline and backs up the platform from inside, through the engine's socket.
/// </summary>
[TestFixture]
[CancelAfter(600_000)]
public sealed class SamplesTests
{
    [TestCase("summit-dr-backup")]
    [TestCase("summit-dr-wal")]
    [TestCase("summit-dr-status")]
    public async Task The_systemd_service_and_timer_pass_systemd_analyze_verify(string name)
    {
        var units = Directory.CreateTempSubdirectory("summit-dr-units-").FullName;
        try
        {
            // The one change: ExecStart points at this build of the tool instead of /usr/local/bin.
            var tool = Path.Combine(Path.GetDirectoryName(Repo.ToolDll)!, "summit-dr");
            foreach (var unit in new[] { name + ".service", name + ".timer" })
            {
                var text = await File.ReadAllTextAsync(Path.Combine(Repo.Root, "samples", "systemd", unit));
                await File.WriteAllTextAsync(
                    Path.Combine(units, unit), text.Replace("/usr/local/bin/summit-dr", tool, StringComparison.Ordinal));
            }

            var verify = await Sh.RunAsync(
                "systemd-analyze", ["verify", "--man=no", Path.Combine(units, name + ".service"), Path.Combine(units, name + ".timer")]);

            Assert.That(verify.ExitCode, Is.Zero, verify.StandardError);
            Assert.That(verify.StandardOutput + verify.StandardError, Does.Not.Contain(name), "no warning about either unit");
        }
        finally
        {
            Directory.Delete(units, recursive: true);
        }
    }

    [Test]
    public async Task The_alert_rules_pass_promtool_check_rules()
    {
        var check = await Sh.RunAsync(
            "promtool", ["check", "rules", Path.Combine(Repo.Root, "samples", "prometheus", "summit-dr.rules.yml")]);

        Assert.That(check.ExitCode, Is.Zero, check.StandardOutput + check.StandardError);
        Assert.That(check.StandardOutput, Does.Contain("SUCCESS: 11 rules found"));
    }

    [Test]
    public async Task The_objectives_alerts_pass_their_promtool_unit_tests_within_breached_and_stale()
    {
        var directory = Path.Combine(Repo.Root, "samples", "prometheus");
        var test = await Sh.RunAsync("promtool", ["test", "rules", Path.Combine(directory, "summit-dr.rules.test.yml")]);

        Assert.That(test.ExitCode, Is.Zero, test.StandardOutput + test.StandardError);
        Assert.That(test.StandardOutput, Does.Contain("SUCCESS"));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(directory, "summit-dr.rules.test.yml")), Does.Contain(
            "alertname: SummitDrRecoveryPointObjectiveBreached").And.Contain("alertname: SummitDrDrillStale"),
            "the tests exercise the alerts");
    }

    [Test]
    public async Task The_container_image_builds_offline_and_backs_up_the_platform_through_the_engine_socket()
    {
        const string tag = "summit-dr-test/tool:latest";
        var build = await Sh.RunAsync(
            "bash", [Path.Combine(Repo.Root, "samples", "container", "build.sh"), tag, "summit-dr-fixture/base:bookworm"]);
        Assert.That(build.ExitCode, Is.Zero, "samples/container/build.sh: " + build.StandardError);
        await using var platform = await Platform.StartAsync();

        var run = await Sh.DockerAsync("run", "--rm", "--network", "none", "-v", "/var/run/docker.sock:/var/run/docker.sock",
            "-v", $"{platform.WorkDir}:{platform.WorkDir}", "-w", platform.WorkDir, tag, "backup", "--json");

        Assert.That(run.ExitCode, Is.Zero, run.StandardError);
        using var json = JsonDocument.Parse(run.StandardOutput);
        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("status").GetString(), Is.EqualTo("succeeded"));
            Assert.That(json.RootElement.GetProperty("artifacts").EnumerateArray().Select(a => a.GetProperty("file").GetString()),
                Is.EquivalentTo(new[] { "postgres.dump", "neo4j.dump", "uploads.tar.gz" }));
            Assert.That(platform.VisibleBackups(), Has.Count.EqualTo(1));
        });
    }
}
