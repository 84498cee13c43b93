using Moq;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Errors;
using Summit.Dr.Steps;

namespace Summit.Dr.Tests.Steps;

/// <summary>
/// A script is run in order, as its plan lists it: a failure ends it with what its judge says, the work that must
/// happen whatever happened happens, and the failure reported is the one that caused the others.
/// </summary>
[TestFixture]
[CancelAfter(10_000)]
public sealed class ScriptRunnerTests
{
    private readonly List<string> _ran = [];
    private Mock<IProcessRunner> _processes = null!;
    private ScriptRunner _scripts = null!;

    [SetUp]
    public void SetUp()
    {
        _ran.Clear();
        _processes = new Mock<IProcessRunner>();
        _processes.Setup(p => p.RunAsync(It.IsAny<ProcessSpec>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ProcessSpec spec, CancellationToken _) =>
            {
                lock (_ran)
                {
                    _ran.Add(spec.Arguments[0]);
                }

                return spec.Arguments[0].StartsWith("fail", StringComparison.Ordinal)
                    ? new ProcessResult(1, string.Empty, "it broke", TimeSpan.Zero)
                    : new ProcessResult(0, spec.Arguments[0] + " said yes", string.Empty, TimeSpan.Zero);
            });
        _scripts = new ScriptRunner(new DockerCli(_processes.Object, "docker"), TimeProvider.System);
    }

    [Test]
    public async Task Commands_run_in_the_order_the_plan_lists_them_and_a_judge_reads_their_answer()
    {
        string? answer = null;
        var script = Run("first").Then(Run("second")).Then(new RunCommand(Spec("third"), (result, _) =>
        {
            answer = result.StandardOutput;
            return Task.CompletedTask;
        }));

        await _scripts.RunAsync(script, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(_ran, Is.EqualTo(new[] { "first", "second", "third" }));
            Assert.That(script.Commands().Select(c => c.Arguments[0]), Is.EqualTo(_ran), "the plan is what ran");
            Assert.That(answer, Is.EqualTo("third said yes"));
        });
    }

    [Test]
    public void A_failed_command_ends_the_script_with_its_judge_s_words()
    {
        var script = Run("first").Then(Script.Run(Spec("fail-second"), "Could not do the second thing")).Then(Run("third"));

        var error = Assert.ThrowsAsync<OperationFailedException>(() => _scripts.RunAsync(script, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Is.EqualTo("Could not do the second thing: it broke"));
            Assert.That(_ran, Is.EqualTo(new[] { "first", "fail-second" }), "nothing runs after a failure");
        });
    }

    [Test]
    public void What_must_happen_whatever_happened_runs_after_a_failure_and_its_own_failure_is_joined_to_the_first()
    {
        var script = Run("fail-work").Finally(
            Script.Run(Spec("fail-restart"), "Could not start it again"),
            onFailure: Run("cleanup"),
            join: (failure, restart) => new OperationFailedException($"{failure.Message} {restart.Message}"));

        var error = Assert.ThrowsAsync<OperationFailedException>(() => _scripts.RunAsync(script, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(_ran, Is.EqualTo(new[] { "fail-work", "cleanup", "fail-restart" }), "the clean-up first, then what must happen");
            Assert.That(error!.Message, Is.EqualTo("Could not run: it broke Could not start it again: it broke"));
            Assert.That(script.Commands().Select(c => c.Arguments[0]), Is.EqualTo(new[] { "fail-work", "fail-restart" }),
                "the plan is the path that succeeds");
        });
    }

    [Test]
    public async Task What_must_happen_runs_on_its_own_terms_when_the_run_is_cancelled()
    {
        using var cancellation = new CancellationTokenSource();
        var script = Script.InProcess("the user presses Ctrl+C", () => cancellation.Cancel()).Then(Run("never")).Finally(Run("restart"));

        Assert.CatchAsync<OperationCanceledException>(() => _scripts.RunAsync(script, cancellation.Token));
        await Task.CompletedTask;

        Assert.That(_ran, Is.EqualTo(new[] { "restart" }));
    }

    [Test]
    public void An_uninterrupted_part_is_not_started_once_the_run_is_cancelled_but_finishes_once_started()
    {
        using var cancellation = new CancellationTokenSource();
        var script = Script.InProcess("cancelled while it " +
            "runs", () => cancellation.Cancel()).Then(Run("rename")).Uninterrupted(TimeSpan.FromMinutes(1))
            .Then(Run("after"));

        Assert.CatchAsync<OperationCanceledException>(() => _scripts.RunAsync(script, cancellation.Token));

        Assert.That(_ran, Is.EqualTo(new[] { "rename" }), "the rename that started is finished; what follows it does not start");
    }

    [Test]
    public void Side_by_side_scripts_all_end_before_the_first_failure_is_reported()
    {
        var script = Script.SideBySide(Script.Run(Spec("fail-left"), "The left failed"), Run("right"));

        var error = Assert.ThrowsAsync<OperationFailedException>(() => _scripts.RunAsync(script, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.StartWith("The left failed"));
            Assert.That(_ran, Is.EquivalentTo(new[] { "fail-left", "right" }));
        });
    }

    [Test]
    public async Task Of_two_ways_the_run_takes_the_one_its_condition_names_and_the_plan_shows_the_planned_one()
    {
        var script = Script.Either(() => false, Run("mounted"), Run("in-volume"), planned: true, "into the volume if the engine does not " +
            "see it");

        await _scripts.RunAsync(script, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(_ran, Is.EqualTo(new[] { "in-volume" }));
            Assert.That(script.Commands().Select(c => c.Arguments[0]), Is.EqualTo(new[] { "mounted" }));
        });
    }

    [Test]
    public async Task A_tolerated_failure_ends_its_part_and_the_script_goes_on()
    {
        Exception? said = null;
        var script = Run("fail-discard").Tolerating(ex =>
        {
            said = ex;
            return ex is SummitDrException;
        }).Then(Run("next"));

        await _scripts.RunAsync(script, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(_ran, Is.EqualTo(new[] { "fail-discard", "next" }));
            Assert.That(said, Is.InstanceOf<OperationFailedException>());
        });
    }

    [Test]
    public void A_failure_means_what_the_script_says_it_means()
    {
        var script = Run("fail-poll").Failing(ex => new PreconditionException("The archiver did not start streaming: " + ex.Message));

        var error = Assert.ThrowsAsync<PreconditionException>(() => _scripts.RunAsync(script, CancellationToken.None));

        Assert.That(error!.Message, Is.EqualTo("The archiver did not start streaming: Could not run: it broke"));
    }

    [Test]
    public void The_plan_says_each_note_and_marks_commands_that_run_at_the_same_time()
    {
        var notes = new List<string>();
        var commands = new List<(string Command, string? Note)>();
        var script = Script.Say("the journal first").Then(Script.SideBySide(Run("store"), Run("logs"))).Then(Script.Do(() => { }));

        script.Walk((spec, note, _) => commands.Add((spec.Arguments[0], note)), notes.Add);

        Assert.Multiple(() =>
        {
            Assert.That(notes, Is.EqualTo(new[] { "the journal first" }), "bookkeeping is not said");
            Assert.That(commands, Is.EqualTo(new[] { ("store", (string?)null), ("logs", "at the same time as the command above") }));
        });
    }

    private static ProcessSpec Spec(string verb) => new("docker", [verb]);

    private static Script Run(string verb) => Script.Run(Spec(verb), "Could not run");
}
