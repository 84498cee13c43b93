using System.Security.Cryptography;
using CliWrap;
using CliWrap.Buffered;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests.Support;

/// <summary>
/// A Docker engine of the test's own (its own dockerd, data root, exec root and socket), so that a test can
/// restart an engine without touching the one every other test (and perhaps the machine's user) runs on.
/// While it lives, DOCKER_HOST points this process, its docker commands and the tools it starts at it; the
/// suite's fixtures run one at a time, so no other test sees it.
/// </summary>
internal sealed class PrivateEngine : IAsyncDisposable
{
    private readonly string _dir;
    private readonly string? _previousHost;

    private PrivateEngine(string dir)
    {
        _dir = dir;
        _previousHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
    }

    public string Host => "unix://" + Path.Combine(_dir, "docker.sock");

    private string PidFile => Path.Combine(_dir, "dockerd.pid");

    /// <summary>Starts the engine, loads <paramref name="images"/> into it from the suite's engine, and points DOCKER_HOST at it.</summary>
    public static async Task<PrivateEngine> StartAsync(params string[] images)
    {
        // Short: containerd's socket lives under the exec root, and a socket path has at most 107 bytes.
        var engine = new PrivateEngine("/tmp/sdr-engine-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        Directory.CreateDirectory(engine._dir);
        try
        {
            await engine.StartDaemonAsync();
            await (Cli.Wrap("docker").WithArguments(["save", .. images])
                   | Cli.Wrap("docker").WithArguments(["-H", engine.Host, "load", "--quiet"])).ExecuteBufferedAsync();
            Environment.SetEnvironmentVariable("DOCKER_HOST", engine.Host);
            return engine;
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops dockerd the way a host's shutdown or a package upgrade does (SIGTERM, then waits), and starts it again.</summary>
    public async Task RestartAsync()
    {
        await StopDaemonAsync();
        await StartDaemonAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Environment.SetEnvironmentVariable("DOCKER_HOST", _previousHost);
        if (File.Exists(PidFile))
        {
            var ids = await Sh.RunAsync("docker", ["-H", Host, "ps", "--all", "--quiet"]);
            foreach (var id in ids.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                await Sh.RunAsync("docker", ["-H", Host, "rm", "--force", "--volumes", id]);
            }

            await StopDaemonAsync();
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A mount the stopped engine left behind: /tmp is cleaned with the machine.
        }
    }

    private async Task StartDaemonAsync()
    {
        var daemon = new[]
        {
            "dockerd", "--host", Host, "--data-root", Path.Combine(_dir, "data"), "--exec-root", Path.Combine(_dir, "exec"),
            "--pidfile", PidFile, "--iptables=false", "--bridge=none",
        };
        // In its own session and detached from this process's output, as .ci/docker-engine.sh starts the suite's engine.
        await Sh.RequireAsync("bash", ["-c", "setsid \"$@\" >>\"$0\" 2>&1 </dev/null &", Path.Combine(_dir, "dockerd.log"), .. daemon]);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await Sh.RunAsync("docker", ["-H", Host, "info"])).ExitCode != 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the test's own dockerd did not answer within 60 s: " + Log());
            }

            await Task.Delay(250);
        }
    }

    private async Task StopDaemonAsync()
    {
        var pid = File.ReadAllText(PidFile).Trim();
        await Sh.RunAsync("kill", ["-s", "TERM", pid]);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (Directory.Exists("/proc/" + pid) || File.Exists(PidFile))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the test's own dockerd did not stop within 90 s: " + Log());
            }

            await Task.Delay(250);
        }
    }

    private string Log()
    {
        var log = Path.Combine(_dir, "dockerd.log");
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "no log";
    }
}
