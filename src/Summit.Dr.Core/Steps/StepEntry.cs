using Summit.Dr.Model;

namespace Summit.Dr.Steps;

/// <summary>A step while it runs: commands are added to it from whatever task runs them.</summary>
internal sealed class StepEntry(
    string name, int sequence, StepEntry? parent, int? group, bool readOnly, bool composite, DateTimeOffset startedAt)
{
    private readonly List<StepCommand> _commands = [];
    private readonly List<string> _notes = [];

    public string Name { get; } = name;

    public int Sequence { get; } = sequence;

    public StepEntry? Parent { get; } = parent;

    public int Depth => Parent is null ? 0 : Parent.Depth + 1;

    public int? Group { get; } = group;

    public bool ReadOnly { get; } = readOnly;

    public bool Composite { get; } = composite;

    /// <summary>Not a step: what the operation does in between, for the plan.</summary>
    public bool IsNote { get; init; }

    public DateTimeOffset StartedAt { get; } = startedAt;

    public DateTimeOffset? FinishedAt { get; private set; }

    public bool Succeeded { get; private set; }

    public long? Bytes { get; set; }

    public string? Detail { get; set; }

    public Func<long>? BytesSoFar { get; set; }

    /// <summary>What <see cref="BytesSoFar"/> said last.</summary>
    public long LastBytes { get; set; }

    public void Add(StepCommand command)
    {
        lock (_commands)
        {
            _commands.Add(command);
        }
    }

    public void AddNotes(IEnumerable<string> notes)
    {
        lock (_commands)
        {
            _notes.AddRange(notes);
        }
    }

    public void Finish(DateTimeOffset at, bool succeeded)
    {
        FinishedAt = at;
        Succeeded = succeeded;
    }

    public StepRecord ToRecord(DateTimeOffset now)
    {
        lock (_commands)
        {
            return new StepRecord(Name, StartedAt, FinishedAt ?? now)
            {
                Parent = Parent?.Name,
                Depth = Depth,
                Group = Group,
                Commands = _commands.ToList(),
                Notes = _notes.ToList(),
                ReadOnly = ReadOnly,
                Succeeded = Succeeded,
                IsNote = IsNote,
                Composite = Composite,
                Bytes = Bytes,
                Detail = Detail,
            };
        }
    }
}
