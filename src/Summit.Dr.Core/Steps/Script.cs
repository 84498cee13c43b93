using Summit.Dr.Engine.Processes;

namespace Summit.Dr.Steps;

/// <summary>
/// What a step that changes something does, as a value: commands, polls, notes and work in this process, in
/// the order they run. <see cref="StepRunner"/> runs it, or in a dry run records it: the plan and the run are
/// read from this one value, so there is no second description to drift from it. A script is the path that
/// succeeds; what a command's judge does when it fails (ask why, try once more, clean up) is not in it.
/// </summary>
public sealed record Script(IReadOnlyList<ScriptAction> Actions)
{
    public static readonly Script Empty = new([]);

    public static Script Of(params ScriptAction[] actions) => new(actions);

    /// <summary>A command that must succeed; when it does not, the step fails with <paramref name="failure"/> and why.</summary>
    public static Script Run(ProcessSpec spec, string failure, string? note = null) =>
        Of(new RunCommand(spec, Judges.Require(failure)) { Note = note });

    /// <summary>What the plan says here; nothing runs.</summary>
    public static Script Say(string note) => Of(new SayNote(note));

    /// <summary>Work of this process (a journal written, a tree renamed), said in the plan as <paramref name="what"/>.</summary>
    public static Script InProcess(string what, Func<CancellationToken, Task> work) =>
        Of(new InProcessWork(what, (_, token) => work(token)));

    /// <inheritdoc cref="InProcess(string, Func{CancellationToken, Task})"/>
    public static Script InProcess(string what, Func<RunningStep, CancellationToken, Task> work) => Of(new InProcessWork(what, work));

    /// <inheritdoc cref="InProcess(string, Func{CancellationToken, Task})"/>
    public static Script InProcess(string what, Action work) => Of(new InProcessWork(what, (_, _) =>
    {
        work();
        return Task.CompletedTask;
    }));

    /// <summary>Bookkeeping of this process between commands (a value handed on, a time taken): it changes nothing, so the plan does not
    /// say it.</summary>
    public static Script Do(Action work) => Of(new InProcessWork(null, (_, _) =>
    {
        work();
        return Task.CompletedTask;
    }));

    /// <summary>Bookkeeping that tells the step what it did (what it reports when it is done); not in the plan.</summary>
    public static Script Do(Action<RunningStep> work) => Of(new InProcessWork(null, (step, _) =>
    {
        work(step);
        return Task.CompletedTask;
    }));

    /// <inheritdoc cref="Do(Action)"/>
    public static Script Do(Func<CancellationToken, Task> work) => Of(new InProcessWork(null, (_, token) => work(token)));

    /// <summary>Scripts that run at the same time; the step fails once all have ended, with the first failure.</summary>
    public static Script SideBySide(params Script[] branches) => Of(new SideBySideScripts(branches));

    /// <summary>
    /// Walks the script as a dry run shows it, in the order it runs: each command (with its note, and whether it
    /// repeats) and each note; of two ways, the one a local engine takes.
    /// </summary>
    public void Walk(Action<ProcessSpec, string?, bool> command, Action<string> note) => Walk(this, command, note, firstNote: null);

    /// <summary>The commands a dry run shows, in order.</summary>
    public IReadOnlyList<ProcessSpec> Commands()
    {
        var commands = new List<ProcessSpec>();
        Walk((spec, _, _) => commands.Add(spec), _ => { });
        return commands;
    }

    public Script Then(params ScriptAction[] actions) => new([.. Actions, .. actions]);

    public Script Then(Script next) => new([.. Actions, .. next.Actions]);

    /// <summary>
    /// Runs <see langword="this"/> to its end on a deadline of its own, not the run's token: a `docker exec` client
    /// killed half way leaves its command to finish in the container unrecorded. The run's token is checked first.
    /// </summary>
    public Script Uninterrupted(TimeSpan deadline) => Of(new UninterruptedScript(this, deadline));

    /// <summary>
    /// Runs <see langword="this"/>; when it fails, <paramref name="onFailure"/> (quietly), then <paramref name="always"/>
    /// whatever happened. A failure of <paramref name="always"/> after one of this is joined to it by <paramref name="join"/>.
    /// </summary>
    /// <summary>
    /// One of two scripts, as <paramref name="condition"/> says when the run gets here (what an earlier command found).
    /// The plan shows <paramref name="planned"/>'s side, the one a local engine takes, and says the other in <paramref name="otherwise"/>.
    /// </summary>
    public static Script Either(Func<bool> condition, Script whenTrue, Script whenFalse, bool planned, string otherwise) =>
        Of(new ChoiceScript(condition, whenTrue, whenFalse, planned, otherwise));

    /// <summary>What a failure of <see langword="this"/> means to the user: <paramref name="map"/> makes the exception the step fails
    /// with.</summary>
    public Script Failing(Func<Exception, Exception> map) => Of(new MappedScript(this, map));

    /// <summary>
    /// Runs <see langword="this"/>; a failure that <paramref name="handled"/> takes (it says so itself, in the log) ends
    /// this script but not the step: what follows runs.
    /// </summary>
    public Script Tolerating(Func<Exception, bool> handled) => Of(new ToleratingScript(this, handled));

    public Script Finally(Script always, Script? onFailure = null, Func<Exception, Exception, Exception>? join = null) =>
        Of(new GuardedScript(this, onFailure ?? Empty, always, join));

    private const string Beside = "at the same time as the command above";

    private static string? Join(string? first, string? second) => first is null ? second : second is null ? first : $"{first}; {second}";

    private static void Walk(Script script, Action<ProcessSpec, string?, bool> command, Action<string> note, string? firstNote)
    {
        foreach (var action in script.Actions)
        {
            switch (action)
            {
                case RunCommand run:
                    command(run.Spec, Join(firstNote, run.Note), false);
                    firstNote = null;
                    break;
                case PollCommand poll:
                    command(poll.Spec, Join(firstNote, poll.Note), true);
                    firstNote = null;
                    break;
                case SayNote say:
                    note(say.Note);
                    break;
                case InProcessWork { What: { } what }:
                    note(what);
                    break;
                case InProcessWork:
                    break;
                case SideBySideScripts sides:
                    for (var i = 0; i < sides.Branches.Count; i++)
                    {
                        Walk(sides.Branches[i], command, note, i == 0 ? firstNote : Beside);
                    }

                    firstNote = null;
                    break;
                case ChoiceScript choice:
                    note(choice.Otherwise);
                    Walk(choice.Planned ? choice.WhenTrue : choice.WhenFalse, command, note, firstNote);
                    firstNote = null;
                    break;
                case IWrapsScript wrapper:
                    Walk(wrapper.Inner, command, note, firstNote);
                    firstNote = null;
                    break;
                case GuardedScript guarded:
                    Walk(guarded.Body, command, note, firstNote);
                    Walk(guarded.Always, command, note, null);
                    firstNote = null;
                    break;
                default:
                    throw new InvalidOperationException($"A script cannot hold a {action.GetType().Name}.");
            }
        }
    }
}

/// <summary>One thing a <see cref="Script"/> does.</summary>
public abstract record ScriptAction;

/// <summary>A command, then its judge: the judge reads the result (throws to fail the step, may read its output).</summary>
public sealed record RunCommand(ProcessSpec Spec, Func<ProcessResult, ScriptContext, Task> Judge) : ScriptAction
{
    /// <summary>Where its input comes from or its output goes, or why it runs: said beside it in the plan.</summary>
    public string? Note { get; init; }

    /// <summary>
    /// Runs the command with streams of this process attached (a dump read in, an artifact written out) and
    /// judged inside them: it is given the command and what runs and judges it, and returns once that is done.
    /// Default: as it is.
    /// </summary>
    public Func<ProcessSpec, Func<ProcessSpec, Task<ProcessResult>>, ScriptContext, Task>? Through { get; init; }
}

/// <summary>A command asked again every <see cref="Interval"/> until <see cref="Answered"/> says so, or <see cref="Timeout"/> has
/// passed.</summary>
public sealed record PollCommand(
    ProcessSpec Spec, Func<ProcessResult, ScriptContext, Task<bool>> Answered, TimeSpan Interval, TimeSpan Timeout,
    Func<Exception> TimedOut)
    : ScriptAction
{
    public string? Note { get; init; }
}

public sealed record SayNote(string Note) : ScriptAction;

public sealed record InProcessWork(string? What, Func<RunningStep, CancellationToken, Task> Work) : ScriptAction;

public sealed record SideBySideScripts(IReadOnlyList<Script> Branches) : ScriptAction;

/// <summary>A script run on terms of its own (a deadline, what a failure means, which failures it goes past): it plans as its inner
/// one.</summary>
public interface IWrapsScript
{
    Script Inner { get; }
}

public sealed record UninterruptedScript(Script Inner, TimeSpan Deadline) : ScriptAction, IWrapsScript;

public sealed record ChoiceScript(Func<bool> Condition, Script WhenTrue, Script WhenFalse, bool Planned, string Otherwise) : ScriptAction;

public sealed record ToleratingScript(Script Inner, Func<Exception, bool> Handled) : ScriptAction, IWrapsScript;

public sealed record MappedScript(Script Inner, Func<Exception, Exception> Map) : ScriptAction, IWrapsScript;

public sealed record GuardedScript(Script Body, Script OnFailure, Script Always, Func<Exception, Exception, Exception>? Join)
    : ScriptAction;

/// <summary>What a judge or a command's streams see of the step that runs them.</summary>
public sealed record ScriptContext(RunningStep Step, IProcessRunner Runner, CancellationToken CancellationToken)
{
    /// <summary>Runs a further command (a question asked because one failed) in the same step.</summary>
    public Task<ProcessResult> RunAsync(ProcessSpec spec) => Runner.RunAsync(spec, CancellationToken);
}
