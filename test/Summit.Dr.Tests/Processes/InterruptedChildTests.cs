using System.Diagnostics;
using Summit.Dr.Engine.Processes;

namespace Summit.Dr.Tests.Processes;

/// <summary>
/// A terminal's Ctrl+C reaches the tool's children too, so a child can end (even with exit 0, as the docker CLI's `exec`
/// does) before the run's token is cancelled: real processes, the interrupt marked as the host's signal handler marks it.
/// </summary>
[TestFixture]
[CancelAfter(20_000)]
public sealed class InterruptedChildTests
{
    [Test]
    public async Task A_child_that_ends_with_the_interrupt_is_the_interrupt_whatever_its_exit_code()
    {
        var interrupt = new InterruptSignal();
        var runner = new CliWrapProcessRunner(interrupt);
        using var run = new CancellationTokenSource();
        var child = runner.RunAsync(new ProcessSpec("sleep", ["0.4"]), run.Token);

        await Task.Delay(100);
        interrupt.Mark();
        // The host cancels the run a little after the child saw the signal and ended.
        await Task.Delay(600);
        await run.CancelAsync();

        Assert.That(async () => await child, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task A_child_started_after_the_interrupt_is_judged_on_its_own_answer_at_once()
    {
        var interrupt = new InterruptSignal();
        interrupt.Mark();
        var runner = new CliWrapProcessRunner(interrupt);
        using var cleanup = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var clock = Stopwatch.StartNew();

        var result = await runner.RunAsync(new ProcessSpec("false", []), cleanup.Token);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(clock.Elapsed, Is.LessThan(InterruptSignal.Grace), "no wait for a cancellation that will not come");
        });
    }

    [Test]
    public async Task A_child_the_interrupt_ended_in_a_step_shielded_from_it_is_asked_again_and_answers_for_itself()
    {
        var interrupt = new InterruptSignal();
        var runner = new CliWrapProcessRunner(interrupt);
        var marker = Path.Combine(Directory.CreateTempSubdirectory("summit-dr-unit-").FullName, "asked");
        using var shielded = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        // The first time, it ends as the interrupt ended it; asked again, it answers (as `docker stop` does once the stop finished).
        var child = runner.RunAsync(
            new ProcessSpec("sh", ["-c", $"if [ -e '{marker}' ]; then exit 0; fi; touch '{marker}'; sleep 0.3; exit 130"]), shielded.Token);
        await Task.Delay(100);
        interrupt.Mark();

        var result = await child;

        Assert.That(result.ExitCode, Is.Zero, "asked again, it answered for itself");
    }

    [Test]
    public async Task A_child_killed_by_the_signal_before_the_host_marked_it_still_counts_as_ended_by_it()
    {
        var interrupt = new InterruptSignal();
        var runner = new CliWrapProcessRunner(interrupt);
        var marker = Path.Combine(Directory.CreateTempSubdirectory("summit-dr-unit-").FullName, "asked");
        using var shielded = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        // The child dies of the signal at once; the host's handler marks it a moment later, as a reaped child can beat it.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var child = runner.RunAsync(
            new ProcessSpec("sh", ["-c", $"if [ -e '{marker}' ]; then exit 0; fi; touch '{marker}'; kill -TERM $$; sleep 5"]),
            shielded.Token);
        await Task.Delay(300);
        interrupt.Mark();

        var result = await child;

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, "the signal's victim was asked again");
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(4)), "it died of the signal, it did not sleep it out");
        });
    }
}
