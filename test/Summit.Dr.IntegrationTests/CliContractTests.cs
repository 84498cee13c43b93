using System.Text.Json;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>What Makefiles and scripts depend on: JSON documents that parse and carry a schemaVersion, and any docker-compatible
/// CLI.</summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class CliContractTests
{
    [Test]
    public async Task Every_json_document_parses_and_carries_a_schema_version()
    {
        await using var platform = await Platform.StartAsync();
        var documents = new List<(string What, string Json, int ExitCode)>();
        foreach (var args in new[]
        {
            new[] { "backup", "--json" },
            ["backup", "--dry-run", "--json"],
            ["list", "--json"],
            ["show", "latest", "--json"],
            ["check", "latest", "--json"],
            ["verify", "--json"],
            ["doctor", "--json"],
            ["restore", "latest", "--dry-run", "--json"],
            ["restore", "latest", "--yes", "--json"],
            ["prune", "--keep-last", "5", "--dry-run", "--json"],
            ["backup", "--json", "--set", "Postgres:Container=" + platform.Prefix + "-nope"],
            ["restore", "backups/nope", "--yes", "--json"],
        })
        {
            using var run = await ToolRun.RunAsync(platform.WorkDir, args);
            documents.Add((string.Join(' ', args), run.Stdout, run.ExitCode));
        }

        using var shown = await ToolRun.RunAsync(platform.WorkDir, "show", "latest");

        Assert.Multiple(() =>
        {
            Assert.That(shown.ExitCode, Is.Zero, shown.Describe());
            Assert.That(shown.Stdout, Does.Match(@"postgres +postgres\.dump, [0-9.]+ [KM]iB, sha256 [0-9a-f]{64}; database "));
            Assert.That(shown.Stdout, Does.Match(@"neo4j +neo4j\.dump, .*sha256 [0-9a-f]{64}; database neo4j, \d+ nodes"));
            Assert.That(shown.Stdout, Does.Contain("uploads     uploads.tar.gz").And.Contain("signature   not checked")
                .And.Contain("encryption  none").And.Contain("last drill  never drilled"));
            using var show = JsonDocument.Parse(documents.Single(d => d.What.StartsWith("show", StringComparison.Ordinal)).Json);
            Assert.That(show.RootElement.GetProperty("state").GetString(), Is.EqualTo("complete"));
            Assert.That(show.RootElement.GetProperty("manifest").GetProperty("postgres").GetProperty("artifact").GetProperty("sha256")
                .GetString(), Has.Length.EqualTo(64));
            foreach (var (what, text, code) in documents)
            {
                using var json = JsonDocument.Parse(text);
                Assert.That(json.RootElement.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(1), what);
                Assert.That(json.RootElement.GetProperty("command").GetString(), Is.EqualTo(what.Split(' ')[0]), what);
                Assert.That(
                    json.RootElement.TryGetProperty("outcome", out var outcome), Is.True, "every document says its outcome: " + what);
                Assert.That(json.RootElement.TryGetProperty("exitCode", out var exitCode), Is.True, "and its exit code: " + what);
                if (outcome.ValueKind == JsonValueKind.String && exitCode.ValueKind == JsonValueKind.Number)
                {
                    Assert.That(exitCode.GetInt32(), Is.EqualTo(code), "the document's exit code is the process's: " + what);
                    Assert.That(outcome.GetString(), Is.EqualTo(code switch
                    {
                        0 => "succeeded",
                        2 => "usage",
                        3 => "precondition",
                        _ => "failed",
                    }), what);
                }
            }

            using var failed = JsonDocument.Parse(documents[^2].Json);
            Assert.That(failed.RootElement.GetProperty("status").GetString(), Is.EqualTo("failed"));
            Assert.That(failed.RootElement.GetProperty("exitCode").GetInt32(), Is.EqualTo(3));
            using var refused = JsonDocument.Parse(documents[^1].Json);
            Assert.That(refused.RootElement.GetProperty("exitCode").GetInt32(), Is.EqualTo(2), "a backup that does not exist is a usage " +
                "error");
        });
    }

    [Test]
    public async Task A_docker_compatible_cli_at_any_path_drives_the_whole_backup()
    {
        await using var platform = await Platform.StartAsync();
        // A CLI elsewhere than /usr/bin, under another name, as podman would be; it forwards to the engine here.
        var bin = Directory.CreateDirectory(Path.Combine(platform.WorkDir, "opt", "tools")).FullName;
        var cli = Path.Combine(bin, "podman");
        var calls = Path.Combine(platform.WorkDir, "cli-calls.txt");
        var docker = (await Sh.RequireAsync("sh", "-c", "command -v docker")).Trim();
        File.WriteAllText(cli, $"#!/bin/sh\necho \"$1\" >> '{calls}'\nexec '{docker}' \"$@\"\n");
        File.SetUnixFileMode(cli, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        using var run = await ToolRun.RunAsync(platform.WorkDir, "backup", "--docker", cli);

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        var verbs = File.ReadAllLines(calls).Distinct().ToList();
        Assert.That(verbs, Is.SupersetOf(new[] { "inspect", "exec", "stop", "run", "start" }), "every docker command went through the " +
            "configured CLI");
    }
}
