namespace Summit.Dr.Steps;

/// <summary>Asks until the answer is there or the deadline passes, on the run's clock (tests move it).</summary>
public static class Poll
{
    /// <summary>
    /// Calls <paramref name="attempt"/> every <paramref name="interval"/> until it returns a value; when
    /// <paramref name="timeout"/> has passed without one, throws what <paramref name="timedOut"/> makes.
    /// </summary>
    public static async Task<T> UntilAsync<T>(
        TimeProvider time, TimeSpan interval, TimeSpan timeout, Func<CancellationToken, Task<(bool Done, T Value)>> attempt,
            Func<Exception> timedOut, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            var (done, value) = await attempt(cancellationToken);
            if (done)
            {
                return value;
            }

            if (time.GetUtcNow() >= deadline)
            {
                throw timedOut();
            }

            await Task.Delay(interval, time, cancellationToken);
        }
    }
}
