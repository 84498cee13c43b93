
namespace Summit.Dr.Model;

/// <summary>
/// What one restore kept aside instead of copying it (invariant 4): the PostgreSQL database it replaced,
/// renamed (or, restored to a point in time, its data directory, moved into a volume of its own); the Neo4j
/// store and transaction logs, moved within their volume; the uploads tree, renamed.
/// Written before the first store is touched and again after each one, so a run that dies half way can be
/// put back by the next one.
/// </summary>
/// <param name="Id">The restore's local time (yyyyMMdd_HHmmss); every kept name carries it.</param>
/// <param name="Backup">The backup that was restored.</param>
/// <param name="Owner">The restore that wrote it; a state of a dead owner that is not complete is put back.</param>
/// <param name="Complete">Every store was replaced: `undo` can put the kept state back.</param>
public sealed record KeptState(
    string Id,
    string Backup,
    DateTimeOffset CreatedAt,
    ProcessIdentity Owner,
    bool Complete,
    KeptPostgres? Postgres = null,
    KeptNeo4j? Neo4j = null,
    KeptUploads? Uploads = null,
    KeptPostgresData? PostgresData = null);
