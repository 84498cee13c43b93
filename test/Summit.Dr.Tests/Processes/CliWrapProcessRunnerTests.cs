using System.Text;
using Summit.Dr.Errors;
using Summit.Dr.Engine.Processes;

namespace Summit.Dr.Tests.Processes;

/// <summary>The seam against real tiny processes (coreutils), not mocks.</summary>
[TestFixture]
[CancelAfter(20_000)]
public sealed class CliWrapProcessRunnerTests
{
    private readonly CliWrapProcessRunner _runner = new(new InterruptSignal());

    [Test]
    public async Task A_non_zero_exit_is_a_result_not_an_exception()
    {
        var result = await _runner.RunAsync(new ProcessSpec("false", []), CancellationToken.None);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Succeeded, Is.False);
    }

    [Test]
    public async Task Arguments_reach_the_process_verbatim_without_a_shell()
    {
        var result = await _runner.RunAsync(
            new ProcessSpec("printf", ["%s|", "a b", "$(id)", "'q'", "; rm -rf /"]), CancellationToken.None);

        Assert.That(result.StandardOutput, Is.EqualTo("a b|$(id)|'q'|; rm -rf /|"));
    }

    [Test]
    public async Task Standard_input_and_output_are_streamed()
    {
        var input = new MemoryStream(Encoding.ASCII.GetBytes(new string('x', 1_000_000)));
        var output = new MemoryStream();

        var result = await _runner.RunAsync(
            new ProcessSpec("cat", []) { StandardInput = input, StandardOutput = output }, CancellationToken.None);

        Assert.That(result.Succeeded, Is.True);
        Assert.That(output.Length, Is.EqualTo(1_000_000));
    }

    [Test]
    public async Task Environment_variables_reach_the_process()
    {
        var result = await _runner.RunAsync(
            new ProcessSpec(
                "printenv", ["SUMMIT_DR_TEST_SECRET"]) { Environment = new Dictionary<string,
                    string> { ["SUMMIT_DR_TEST_SECRET"] = "hidden" } },
            CancellationToken.None);

        Assert.That(result.StandardOutput.Trim(), Is.EqualTo("hidden"));
    }

    [Test]
    public void A_missing_program_is_a_precondition_failure()
    {
        var error = Assert.ThrowsAsync<PreconditionException>(
            () => _runner.RunAsync(new ProcessSpec("/nonexistent/docker", ["info"]), CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("/nonexistent/docker").And.Contain("--docker"));
    }

    [Test]
    public void A_program_that_cannot_run_is_a_precondition_failure()
    {
        var file = Path.GetTempFileName();
        try
        {
            var error = Assert.ThrowsAsync<PreconditionException>(
                () => _runner.RunAsync(new ProcessSpec(file, ["info"]), CancellationToken.None));

            Assert.That(error!.Message, Does.Contain(file).And.Contain("Permission denied").And.Contain("--docker"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task A_child_runs_in_a_session_of_its_own_so_a_terminals_ctrl_c_reaches_the_tool_alone()
    {
        // Field 6 of /proc/PID/stat, after the command name in parentheses, is the session id.
        static string Field(string stat, int field) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[field - 3];
        static string Session(string stat) => Field(stat, 6);
        var result = await _runner.RunAsync(
            new ProcessSpec("sh", ["-c", "read -r stat < /proc/$$/stat; echo \"$$ $stat\""]), CancellationToken.None);
        var pid = result.StandardOutput.Split(' ')[0];

        Assert.That(Session(result.StandardOutput), Is.EqualTo(pid), "the child leads its own session");
        var self = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(Field(result.StandardOutput, 4), Is.EqualTo(self),
            "the tool's own child, not a fork of it: cancelling signals the child itself");
        Assert.That(Session(result.StandardOutput), Is.Not.EqualTo(Session(await File.ReadAllTextAsync("/proc/self/stat"))));
    }

    [Test]
    public async Task Cancellation_interrupts_the_child_first_as_a_terminal_would()
    {
        var mark = Path.Combine(Path.GetTempPath(), $"summit-dr-interrupted-{Guid.NewGuid():N}");
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        try
        {
            Assert.That(async () => await _runner.RunAsync(
                new ProcessSpec("sh", ["-c", $"trap 'echo interrupted > {mark}; exit 0' INT; while :; do sleep 0.05; done"]),
                cancellation.Token), Throws.InstanceOf<OperationCanceledException>(), "an exit 0 after the interrupt is no success");
            Assert.That(await File.ReadAllTextAsync(mark), Does.Contain("interrupted"));
        }
        finally
        {
            File.Delete(mark);
        }
    }

    [Test]
    public async Task A_child_that_ignores_the_interrupt_is_killed_after_a_while()
    {
        var runner = new CliWrapProcessRunner(new InterruptSignal(), TimeSpan.FromMilliseconds(500));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.That(async () => await runner.RunAsync(
            new ProcessSpec("sh", ["-c", "trap '' INT; while :; do sleep 0.05; done"]), cancellation.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromMilliseconds(700)).And.LessThan(TimeSpan.FromSeconds(10)));
        await Task.CompletedTask;
    }

    [Test]
    public async Task Cancellation_kills_the_process()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var started = DateTime.UtcNow;

        Assert.That(async () =>
            await _runner.RunAsync(new ProcessSpec("sleep", ["30"]), cancellation.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(10)));
        await Task.CompletedTask;
    }
}
