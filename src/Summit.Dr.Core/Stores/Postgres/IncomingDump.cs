namespace Summit.Dr.Stores.Postgres;

/// <summary>A verified copy of a dump inside a PostgreSQL container's data volume, owned by the data directory's owner.</summary>
/// <param name="Owner">`uid:gid` of the data directory: the copy is written, read and removed as it, never as root.</param>
public sealed record IncomingDump(string Container, string Owner, string Path);
