namespace Summit.Dr.Steps;

/// <summary>A running step, as its code sees it: what it reports when it is done, and how far it has got.</summary>
public sealed class RunningStep
{
    private readonly StepEntry _entry;

    internal RunningStep(StepEntry entry)
    {
        _entry = entry;
    }

    public string Name => _entry.Name;

    internal StepEntry Entry => _entry;

    /// <summary>A step outside any step log (undo, the recovery of a dead run): what it reports goes nowhere.</summary>
    internal static RunningStep Detached(string name, TimeProvider time) =>
        new(new StepEntry(name, 0, null, null, readOnly: false, composite: false, time.GetUtcNow()));

    /// <summary>What the step produced (bytes written, what it proved): shown on its progress line and kept in its record.</summary>
    public void Report(long? bytes = null, string? detail = null)
    {
        _entry.Bytes = bytes;
        _entry.Detail = detail;
    }

    /// <summary>Where a live view reads how many bytes the step has processed.</summary>
    public void Track(Func<long> bytesSoFar) => _entry.BytesSoFar = bytesSoFar;
}
