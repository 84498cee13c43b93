using Summit.Dr.Engine.Processes;

namespace Summit.Dr.Tests.Processes;

/// <summary>
/// A child leaves the tool's process group as it starts; a terminal's Ctrl+C that meets it in the instant before kills it
/// (exit 130) before the run is cancelled. Real processes that die of SIGINT stand for it, the interrupt marked as the
/// host's signal handler marks it.
/// </summary>
[TestFixture]
[CancelAfter(20_000)]
public sealed class SignalledChildTests
{
    private static ProcessSpec DiesOfSigint => new("sh", ["-c", "kill -INT $$; sleep 5"]);

    [Test]
    public async Task A_child_the_interrupt_killed_before_the_run_was_cancelled_is_the_interrupt()
    {
        var interrupt = new InterruptSignal();
        var runner = new CliWrapProcessRunner(interrupt);
        using var run = new CancellationTokenSource();
        var child = runner.RunAsync(DiesOfSigint, run.Token);

        interrupt.Mark();
        await Task.Delay(300);
        await run.CancelAsync();

        Assert.That(async () => await child, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task A_shielded_childs_question_is_asked_again_after_the_interrupt_killed_it()
    {
        var interrupt = new InterruptSignal();
        var runner = new CliWrapProcessRunner(interrupt);
        var once = Path.Combine(Path.GetTempPath(), $"summit-dr-once-{Guid.NewGuid():N}");
        try
        {
            // The first run dies of SIGINT; asked again, it answers.
            var spec = new ProcessSpec("sh", ["-c", $"if [ -e {once} ]; then echo answered; else touch {once}; kill -INT $$; fi"]);
            var child = runner.RunAsync(spec, CancellationToken.None);
            interrupt.Mark();

            var result = await child;

            Assert.That(result.ExitCode, Is.Zero);
            Assert.That(result.StandardOutput.Trim(), Is.EqualTo("answered"));
        }
        finally
        {
            File.Delete(once);
        }
    }

    [Test]
    public async Task Without_an_interrupt_a_child_that_died_of_sigint_is_its_own_answer()
    {
        var runner = new CliWrapProcessRunner(new InterruptSignal());

        var result = await runner.RunAsync(DiesOfSigint, CancellationToken.None);

        Assert.That(result.ExitCode, Is.EqualTo(130));
    }
}
