namespace Summit.Dr.Model;

/// <summary>
/// One step that did work (not a phase made of other steps), timed from the start of the run: steps whose spans overlap ran
/// side by side, so the run's time is the path through them that ended last, not their sum.
/// </summary>
/// <param name="Start">Seconds from the start of the run to the start of the step.</param>
public sealed record RestoreStep(string Name, double Seconds, double Start = 0);
