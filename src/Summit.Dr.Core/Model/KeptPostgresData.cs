namespace Summit.Dr.Model;

/// <summary>
/// The PostgreSQL data directory a restore to a point in time replaced: moved into a volume of its own
/// (<see cref="Volume"/>), so `summit-dr undo` can move it back.
/// </summary>
/// <param name="DataDirectory">PGDATA inside the container.</param>
/// <param name="Moved">The live data directory is in <see cref="Volume"/>; PGDATA holds the restored one (or a part of it).</param>
/// <param name="Touched">The swap began (the archiver or the server may be stopped): a rollback puts PostgreSQL back and starts it.</param>
public sealed record KeptPostgresData(
    string Container, string Image, string DataDirectory, string Volume, bool Moved, bool Touched = false);
