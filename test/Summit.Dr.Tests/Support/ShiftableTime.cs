namespace Summit.Dr.Tests.Support;

/// <summary>The system clock, which a test can move forward; timers and delays still run in real time.</summary>
internal sealed class ShiftableTime : TimeProvider
{
    private TimeSpan _offset;

    public void Advance(TimeSpan by) => _offset += by;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _offset;
}
