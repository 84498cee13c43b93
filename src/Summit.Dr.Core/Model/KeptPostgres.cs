namespace Summit.Dr.Model;

/// <summary>The PostgreSQL database a restore replaced, renamed to <see cref="Kept"/>.</summary>
/// <param name="Incoming">Where the backup is restored before it is swapped in.</param>
/// <param name="Existed">False when there was no database to keep: undo then only removes the restored one.</param>
/// <param name="Swapped">The restored database has taken the live name; the old one is under <see cref="Kept"/>.</param>
public sealed record KeptPostgres(string Container, string Database, string Kept, string Incoming, bool Existed, bool Swapped);
