namespace Summit.Dr.Progress;

/// <summary>Reports steps through another reporter and keeps when each one started and finished.</summary>
public sealed class RecordingProgress(IProgressReporter inner, TimeProvider time) : IProgressReporter
{
    private readonly List<StepRecord> _steps = [];

    public IReadOnlyList<StepRecord> Steps
    {
        get
        {
            lock (_steps)
            {
                return _steps.OrderBy(s => s.StartedAt).ToList();
            }
        }
    }

    public IStepProgress Start(string name, Func<long>? bytesSoFar = null, long? expectedBytes = null) =>
        new Step(this, name, time.GetUtcNow(), inner.Start(name, bytesSoFar, expectedBytes));

    private void Record(StepRecord step)
    {
        lock (_steps)
        {
            _steps.Add(step);
        }
    }

    private sealed class Step(RecordingProgress owner, string name, DateTimeOffset startedAt, IStepProgress inner) : IStepProgress
    {
        private int _recorded;

        public void Complete(long? bytes = null, string? detail = null)
        {
            Finish();
            inner.Complete(bytes, detail);
        }

        public void Dispose()
        {
            Finish();
            inner.Dispose();
        }

        private void Finish()
        {
            if (Interlocked.Exchange(ref _recorded, 1) == 0)
            {
                owner.Record(new StepRecord(name, startedAt, owner.Now));
            }
        }
    }

    private DateTimeOffset Now => time.GetUtcNow();
}
