using Summit.Dr.Model;

namespace Summit.Dr.Steps;

/// <summary>
/// The steps of one operation, in the order they started. Progress lines, timings, the manifest's step table,
/// the JSON report and the dry run's plan all read these records.
/// </summary>
public sealed class StepLog
{
    private readonly List<StepEntry> _entries = [];
    private readonly TimeProvider _time;
    private int _groups;

    internal StepLog(bool dryRun, TimeProvider time)
    {
        DryRun = dryRun;
        _time = time;
        StartedAt = time.GetUtcNow();
    }

    /// <summary>When the operation began: what its timeline counts from.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The steps that change something are recorded, not run.</summary>
    public bool DryRun { get; }

    public IReadOnlyList<StepRecord> Records
    {
        get
        {
            var now = _time.GetUtcNow();
            lock (_entries)
            {
                return _entries.OrderBy(e => e.Sequence).Select(e => e.ToRecord(now)).ToList();
            }
        }
    }

    /// <summary>The first step the run's cancellation stopped (the innermost, the first to see it): where an interrupt came.</summary>
    public string? FirstCancelled { get; private set; }

    internal void Cancelled(string step)
    {
        lock (_entries)
        {
            FirstCancelled ??= step;
        }
    }

    /// <summary>
    /// The steps that did work, each timed from the start of the operation (a phase made of other steps is not one of them: its
    /// steps are). What the step tables of a backup, a restore and a drill show.
    /// </summary>
    public IReadOnlyList<RestoreStep> Timeline() => Records
        .Where(r => !r.IsNote && !r.Composite && r.Succeeded)
        .Select(r => new RestoreStep(
            r.Name, Math.Round(r.Duration.TotalSeconds, 3), Math.Round(Math.Max(0, (r.StartedAt - StartedAt).TotalSeconds), 3)))
        .ToList();

    /// <summary>The operation's own steps (not the steps inside them, nor its notes).</summary>
    public IReadOnlyList<StepRecord> TopLevel => Records.Where(r => r.Depth == 0 && !r.IsNote).ToList();

    internal StepEntry Open(string name, StepEntry? parent, int? group, bool readOnly, bool composite, bool isNote)
    {
        lock (_entries)
        {
            var entry = new StepEntry(name, _entries.Count, parent, group, readOnly, composite, _time.GetUtcNow()) { IsNote = isNote };
            _entries.Add(entry);
            return entry;
        }
    }

    internal int NextGroup() => Interlocked.Increment(ref _groups);
}
