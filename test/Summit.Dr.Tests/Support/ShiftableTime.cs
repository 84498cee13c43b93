namespace Summit.Dr.Tests.Support;

/// <summary>The system clock, which a test can move forward or stop; timers and delays still run in real time.</summary>
internal sealed class ShiftableTime : TimeProvider
{
    private TimeSpan _offset;
    private DateTimeOffset? _stopped;

    public void Advance(TimeSpan by) => _offset += by;

    /// <summary>From now on the clock reads the same instant: two runs a test compares get the same names and ids.</summary>
    public void Stop() => _stopped = GetUtcNow();

    public override DateTimeOffset GetUtcNow() => _stopped ?? System.GetUtcNow() + _offset;
}
