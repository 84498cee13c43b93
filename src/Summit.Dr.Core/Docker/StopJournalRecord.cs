using Summit.Dr.Locking;

namespace Summit.Dr.Docker;

/// <summary>The containers one run stopped and has not yet started again.</summary>
public sealed record StopJournalRecord(ProcessIdentity Owner, DateTimeOffset StoppedAt, IReadOnlyList<string> Containers);
