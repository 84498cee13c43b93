namespace Summit.Dr.Model;

/// <summary>From the earliest artifact start to the latest finish: the span the backup's stores may differ by.</summary>
public sealed record ConsistencyWindow(DateTimeOffset Start, DateTimeOffset End)
{
    public double Seconds => (End - Start).TotalSeconds;
}
