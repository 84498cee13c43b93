using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// The packed tool, installed from nupkg/ into a temporary tool path and run as a process, the way a user
/// runs it. A unique version keeps NuGet's cache from serving an older build.
/// </summary>
[TestFixture]
[CancelAfter(600_000)]
public sealed class EndToEndToolTests
{
    private static readonly string[] Commands = ["backup", "restore", "undo", "verify", "list", "check", "prune", "drill", "doctor"];
    private string _version = null!;
    private string _toolPath = null!;

    private string Tool => Path.Combine(_toolPath, "summit-dr");

    [OneTimeSetUp]
    public async Task PackAndInstallAsync()
    {
        _version = "0.1.0-e2e." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        _toolPath = Directory.CreateTempSubdirectory("summit-dr-tool-").FullName;
        var project = Path.Combine(Repo.Root, "src", "Summit.Dr.Tool", "Summit.Dr.Tool.csproj");
        var pack = await Sh.RunAsync("dotnet", ["pack", project, "-c", "Release", "-p:Version=" + _version, "--nologo"]);
        Assert.That(pack.ExitCode, Is.Zero, pack.StandardOutput + pack.StandardError);
        Assert.That(File.Exists(Path.Combine(Repo.Root, "nupkg", $"summit-dr.{_version}.nupkg")), Is.True, "dotnet pack writes " +
            "nupkg/summit-dr.<version>.nupkg");
        var install = await Sh.RunAsync(
            "dotnet", ["tool", "install", "summit-dr", "--tool-path", _toolPath, "--add-source", Path.Combine(Repo.Root, "nupkg"),
                "--version", _version]);
        Assert.That(install.ExitCode, Is.Zero, install.StandardOutput + install.StandardError);
    }

    [OneTimeTearDown]
    public void Remove()
    {
        File.Delete(Path.Combine(Repo.Root, "nupkg", $"summit-dr.{_version}.nupkg"));
        Directory.Delete(_toolPath, recursive: true);
        var cached = Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages", "summit-dr", _version);
        if (Directory.Exists(cached))
        {
            Directory.Delete(cached, recursive: true);
        }
    }

    [Test]
    public async Task The_installed_tool_reports_its_version_and_lists_every_command()
    {
        var dir = _toolPath;

        using var version = ToolRun.Start(dir, ["--version"], executable: Tool);
        await version.WaitAsync(TimeSpan.FromSeconds(30));
        using var help = ToolRun.Start(dir, ["--help"], executable: Tool);
        await help.WaitAsync(TimeSpan.FromSeconds(30));
        using var restoreHelp = ToolRun.Start(dir, ["restore", "--help"], executable: Tool);
        await restoreHelp.WaitAsync(TimeSpan.FromSeconds(30));
        using var restore = ToolRun.Start(dir, ["restore", "latest", "--yes"], executable: Tool);
        await restore.WaitAsync(TimeSpan.FromSeconds(30));
        using var drill = ToolRun.Start(dir, ["drill", "latest"], executable: Tool);
        await drill.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(version.ExitCode, Is.Zero);
            Assert.That(version.Stdout.Trim(), Is.EqualTo(_version));
            Assert.That(help.ExitCode, Is.Zero);
            foreach (var command in Commands)
            {
                Assert.That(help.Stdout, Does.Match($@"(?m)^\s+{command}\s"), command);
            }

            Assert.That(restoreHelp.ExitCode, Is.Zero);
            Assert.That(restoreHelp.Stdout, Does.Contain("--safety-backup").And.Not.Contain("--no-safety-backup").And.Contain("--yes"));
            Assert.That(restore.ExitCode, Is.EqualTo(4), "no backup to take as latest");
            Assert.That(restore.Stderr, Does.Contain("There is no complete backup"));
            Assert.That(help.Stdout, Does.Not.Contain("not implemented yet"));
            Assert.That(drill.ExitCode, Is.EqualTo(4), "no backup to drill as latest");
            Assert.That(drill.Stderr, Does.Contain("There is no complete backup"));
        });
    }

    [Test]
    public async Task The_installed_tool_backs_up_a_platform()
    {
        await using var platform = await Platform.StartAsync();

        using var run = ToolRun.Start(platform.WorkDir, ["backup", "--json"], executable: Tool);
        await run.WaitAsync(TimeSpan.FromMinutes(3));

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        using var json = JsonDocument.Parse(run.Stdout);
        var directory = json.RootElement.GetProperty("directory").GetString()!;
        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("status").GetString(), Is.EqualTo("succeeded"));
            Assert.That(Path.GetDirectoryName(directory), Is.EqualTo(platform.BackupRoot));
            foreach (var artifact in json.RootElement.GetProperty("artifacts").EnumerateArray())
            {
                var file = Path.Combine(directory, artifact.GetProperty("file").GetString()!);
                Assert.That(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))),
                    Is.EqualTo(artifact.GetProperty("sha256").GetString()), file);
            }

            Assert.That(json.RootElement.GetProperty("manifest").GetProperty("toolVersion").GetString(), Is.EqualTo(_version));
        });
    }
}
