namespace Summit.Dr.Model;

/// <summary>A command a step ran (or, in a dry run, would run), as an operator would type it.</summary>
/// <param name="Display">The command line; it holds no secret.</param>
/// <param name="Ran">False when a dry run recorded it without running it.</param>
/// <param name="Note">Where its input comes from or its output goes, or why it runs.</param>
/// <param name="Repeats">A poll: it runs until it answers, so a run may show it more than once.</param>
public sealed record StepCommand(string Display, bool Ran, string? Note = null, bool Repeats = false)
{
    public override string ToString() => Note is null ? Display : $"{Display}   # {Note}";
}
