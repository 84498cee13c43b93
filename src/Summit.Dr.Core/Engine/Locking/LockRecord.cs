using Summit.Dr.Model;

namespace Summit.Dr.Engine.Locking;

/// <summary>The content of the lock file in the backup root.</summary>
public sealed record LockRecord(ProcessIdentity Owner, string Operation, DateTimeOffset AcquiredAt);
