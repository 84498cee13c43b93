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
