using System.Diagnostics;
using System.Text;

namespace Summit.Dr.Testing;

/// <summary>The tool started as its own process, the way a user or a Makefile runs it.</summary>
public sealed class ToolRun : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ToolRun(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts `summit-dr ARGS` (the built tool, or <paramref name="executable"/>) in <paramref name="workDir"/>, as the
    /// leader of a process group of its own (`setsid`), as a shell starts a foreground job: its children are in that group,
    /// and <see cref="CtrlCAsync"/> signals them all, as a terminal does.
    /// </summary>
    public static ToolRun Start(
        string workDir, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? executable = null)
    {
        var info = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // Not a group leader here, setsid makes this process one and executes the tool in it: the tool's PID is this one.
        info.ArgumentList.Add(executable ?? "dotnet");
        if (executable is null)
        {
            info.ArgumentList.Add(Repo.ToolDll);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return new ToolRun(Process.Start(info)!);
    }

    public static async Task<ToolRun> RunAsync(string workDir, params string[] args)
    {
        var run = Start(workDir, args);
        await run.WaitAsync(TimeSpan.FromMinutes(4));
        return run;
    }

    public async Task WaitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"summit-dr did not finish within {timeout}. stderr so far:\n{Stderr}");
        }

        // WaitForExitAsync also waits for the redirected streams to reach their end.
    }

    /// <summary>Waits for the run to end while sampling its peak resident memory (VmHWM) every 20 ms; returns it in bytes.</summary>
    public async Task<long> WaitMeasuringPeakAsync(TimeSpan timeout)
    {
        long peak = 0;
        var deadline = DateTime.UtcNow + timeout;
        while (!HasExited && DateTime.UtcNow < deadline)
        {
            peak = Math.Max(peak, PeakResident(Pid));
            await Task.Delay(20);
        }

        await WaitAsync(deadline - DateTime.UtcNow > TimeSpan.Zero ? deadline - DateTime.UtcNow : TimeSpan.FromSeconds(1));
        return peak;
    }

    /// <summary>VmHWM: the process's peak resident set so far, in bytes (0 once it has gone).</summary>
    private static long PeakResident(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0
                : long.Parse(
                    line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Sends a signal as a terminal (SIGINT for Ctrl+C) or a supervisor (SIGTERM, SIGKILL) would.</summary>
    public Task SignalAsync(string signal) => signal == CtrlC
        ? CtrlCAsync()
        : Sh.RequireAsync("kill", "-s", signal, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>What <see cref="SignalAsync"/> takes for a terminal's Ctrl+C.</summary>
    public const string CtrlC = "ctrl-c";

    /// <summary>A terminal's Ctrl+C: SIGINT to the whole foreground process group (not children in sessions of their own).</summary>
    public Task CtrlCAsync() =>
        Sh.RequireAsync("kill", "-s", "INT", "--", "-" + Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public string Describe() => $"exit {(_process.HasExited ? _process.ExitCode : -1)}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }
}
