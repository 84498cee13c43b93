namespace Summit.Dr.Progress;

/// <summary>Reports steps as they run: one line per finished step, and a live view where the edge can show one.</summary>
public interface IProgressReporter
{
    /// <summary>Starts a step; <paramref name="bytesSoFar"/> lets a live view show how far a stream has got.</summary>
    IStepProgress Start(string name, Func<long>? bytesSoFar = null);
}
