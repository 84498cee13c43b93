using Summit.Dr.Model;
using Summit.Dr.Progress;
using Summit.Dr.Stores.Neo4j;


namespace Summit.Dr.Tool.Commands;

/// <summary>How a kept state is shown by restore, undo, list and doctor.</summary>
internal static class KeptReport
{
    /// <summary>One line per kept store, with its size where it was measured.</summary>
    public static IEnumerable<string> Lines(KeptState state, (long? Postgres, long? Neo4j, long? Uploads) sizes)
    {
        if (state.Postgres is { } pg)
        {
            yield return pg.Existed
                ? $"PostgreSQL database {pg.Kept} in {pg.Container}{Size(sizes.Postgres)}"
                : $"PostgreSQL: there was no database {pg.Database} before";
        }

        if (state.Neo4j is { } graph)
        {
            var layout = Neo4jStoreLayout.Kept(graph.Kept, graph.Database);
            yield return $"Neo4j store {layout.Store} and its transaction logs {layout.Transactions} in {graph.Container}'s " +
                $"volume{Size(sizes.Neo4j)}";
        }

        if (state.Uploads is { } up)
        {
            yield return up.Existed ? $"uploads tree {up.Kept}{Size(sizes.Uploads)}" : $"uploads: there was no tree {up.Path} before";
        }
    }

    /// <summary>Every kept state in the backup root with the size of each kept store, for list and doctor.</summary>
    /// <summary>A block saying what is kept aside and how to put it back or free it; nothing when nothing is kept.</summary>
    public static void Write(TextWriter writer, IReadOnlyList<(KeptState State, (long? Postgres, long? Neo4j, long? Uploads) Sizes)> kept)
    {
        foreach (var (state, sizes) in kept)
        {
            writer.WriteLine();
            writer.WriteLine(state.Complete
                ? $"Kept aside by the restore of {Path.GetFileName(state.Backup)} ({state.Id}): `summit-dr undo` puts it back, " +
                    $"`summit-dr undo --discard` frees it."
                : $"Kept aside by the restore of {Path.GetFileName(state.Backup)} ({state.Id}), which did not finish: the next summit-dr " +
                    $"command that takes the lock puts it back; `summit-dr undo` needs a finished restore.");
            foreach (var line in Lines(state, sizes))
            {
                writer.WriteLine("  " + line);
            }
        }
    }

    public static object Json(KeptState state, (long? Postgres, long? Neo4j, long? Uploads)? sizes = null) => new
    {
        id = state.Id,
        backup = state.Backup,
        createdAt = state.CreatedAt,
        complete = state.Complete,
        postgres = state.Postgres is { } pg
            ? new { container = pg.Container, database = pg.Database, kept = pg.Existed ? pg.Kept : null, bytes = sizes?.Postgres } : null,
        neo4j = state.Neo4j is { } graph
            ? new { container = graph.Container, database = graph.Database, kept = graph.Kept, bytes = sizes?.Neo4j } : null,
        uploads = state.Uploads is { } up ? new { path = up.Path, kept = up.Existed ? up.Kept : null, bytes = sizes?.Uploads } : null,
    };

    private static string Size(long? bytes) => bytes is { } b ? $" ({LoggingProgressReporter.FormatBytes(b)})" : string.Empty;
}
