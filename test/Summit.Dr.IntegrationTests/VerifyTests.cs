using System.Text.Json;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>`verify`: the runbook's health checks on the real engine.</summary>
[TestFixture]
[CancelAfter(180_000)]
public sealed class VerifyTests
{
    [Test]
    public async Task A_healthy_platform_passes_every_check_and_reports_its_facts()
    {
        await using var platform = await Platform.StartAsync();

        using var run = await ToolRun.RunAsync(platform.WorkDir, "verify", "--json");
        using var text = await ToolRun.RunAsync(platform.WorkDir, "verify");

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(1));
            Assert.That(root.GetProperty("healthy").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("postgres").GetProperty("tableCount").GetInt32(), Is.EqualTo(3));
            Assert.That(root.GetProperty("postgres").GetProperty("tables").EnumerateArray().Select(t => t.GetString()),
                Is.EquivalentTo(new[] { "public.risk_signals", "public.tenants", "public.users" }));
            Assert.That(root.GetProperty("neo4j").GetProperty("nodeCount").GetInt64(), Is.EqualTo(Platform.SeededNodes));
            Assert.That(root.GetProperty("uploads").GetProperty("files").GetInt32(), Is.EqualTo(3));
            Assert.That(text.ExitCode, Is.Zero);
            Assert.That(text.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.All.StartWith("ok "));
        });
    }

    [Test]
    public async Task A_stopped_neo4j_fails_verify_with_what_to_do()
    {
        await using var platform = await Platform.StartAsync();
        await Sh.DockerRequireAsync("stop", "--time", "60", platform.Neo4j);

        using var run = await ToolRun.RunAsync(platform.WorkDir, "verify");

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Describe());
        Assert.That(run.Stdout, Does.Contain($"FAIL neo4j container: container '{platform.Neo4j}' is exited: start it with `docker start " +
            $"{platform.Neo4j}`"));
        Assert.That(run.Stdout, Does.Contain("ok   postgres tables"), "the other checks still run");
    }

    [Test]
    public async Task A_missing_uploads_directory_fails_verify()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        Directory.Delete(platform.Uploads);

        using var run = await ToolRun.RunAsync(platform.WorkDir, "verify");

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Describe());
        Assert.That(run.Stdout, Does.Contain("FAIL uploads present:").And.Contain("does not exist: set Uploads:Path"));
    }
}
