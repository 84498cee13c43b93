namespace Summit.Dr.Progress;

/// <summary>Reports steps as they run: one line per finished step, and a live view where the edge can show one.</summary>
public interface IProgressReporter
{
    /// <summary>Starts a step.</summary>
    /// <param name="bytesSoFar">How far a stream has got, for a live view.</param>
    /// <param name="expectedBytes">Where the stream is expected to end (a file's size, a tree's bytes, the last backup's artifact), for a
    /// percentage and the time left.</param>
    IStepProgress Start(string name, Func<long>? bytesSoFar = null, long? expectedBytes = null);
}
