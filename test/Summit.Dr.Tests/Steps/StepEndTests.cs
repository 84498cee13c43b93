using Summit.Dr.Errors;
using Summit.Dr.Steps;
using Summit.Dr.Tests.Support;

namespace Summit.Dr.Tests.Steps;

/// <summary>How a step that did not complete is said: failed, cancelled because another failed, or stopped at a usage error.</summary>
[TestFixture]
[CancelAfter(20_000)]
public sealed class StepEndTests
{
    [Test]
    public void A_step_cancelled_because_another_failed_is_said_as_cancelled_and_only_the_failure_as_failed()
    {
        using var harness = new CoreHarness();
        var steps = harness.Get<StepRunner>();
        steps.Begin(dryRun: false);

        Assert.ThrowsAsync<IntegrityException>(() => steps.ConcurrentlyAsync(
            [
                t => steps.RunAsync("the failing one", () => Script.InProcess("fails", async token =>
                {
                    await Task.Delay(100, token);
                    throw new IntegrityException("damaged");
                }), t),
                t => steps.RunAsync("the waiting one", () => Script.InProcess("waits", token => Task.Delay(10_000, token)), t),
            ],
            CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(harness.Log.Text, Does.Match(@"Warning: the failing one\s+failed after"));
            Assert.That(harness.Log.Text, Does.Match(@"the waiting one\s+cancelled after"));
            Assert.That(harness.Log.Text, Does.Not.Match(@"the waiting one\s+failed"));
            Assert.That(steps.Current!.FirstCancelled, Is.EqualTo("the waiting one"), "where the cancellation came");
        });
    }

    [Test]
    public void A_step_stopped_by_a_usage_error_is_no_warning()
    {
        using var harness = new CoreHarness();
        var steps = harness.Get<StepRunner>();
        steps.Begin(dryRun: false);

        Assert.ThrowsAsync<UsageException>(() => steps.RunAsync(
            "verify backup", () => Script.InProcess("asks", _ => throw new UsageException("Pass --yes.")), CancellationToken.None));

        Assert.That(harness.Log.Text, Does.Not.Contain("Warning: verify backup"));
    }
}
