using Microsoft.Extensions.Logging;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Neo4j;
using Summit.Dr.Stores.Postgres;
using Summit.Dr.Stores.Uploads;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr.Operations.Kept;

/// <summary>
/// Swaps a restored store in with the live one kept aside, puts a kept store back, and frees one: by
/// renaming databases, moving store directories within Neo4j's volume and renaming trees, never by copying.
/// Used by restore (and its rollback), undo, and the recovery of a restore that died half way.
/// </summary>
public sealed class KeptStores
{
    private readonly PostgresService _postgres;
    private readonly Neo4jStoreMoves _neo4j;
    private readonly PitrSwap _pitr;
    private readonly PostgresDataMoves _moves;
    private readonly ScriptRunner _scripts;
    private readonly ILogger<KeptStores> _logger;

    /// <summary>How long one rename or move may take once started; it is not interrupted before.</summary>
    private static readonly TimeSpan Uninterrupted = TimeSpan.FromMinutes(2);

    public KeptStores(
        PostgresService postgres, Neo4jStoreMoves neo4j, PitrSwap pitr, PostgresDataMoves moves, ScriptRunner scripts,
        ILogger<KeptStores> logger)
    {
        _postgres = postgres;
        _neo4j = neo4j;
        _pitr = pitr;
        _moves = moves;
        _scripts = scripts;
        _logger = logger;
    }

    /// <summary>PostgreSQL to a point in time: its data directory kept in a volume of its own, the base backup and the WAL in its
    /// place.</summary>
    public Task SwapPostgresToPointAsync(PitrPrepared prepared, SwapProgress state, CancellationToken cancellationToken) =>
        _pitr.SwapInAsync(prepared, state, state.Current.Id, cancellationToken);

    /// <summary>Puts the kept data directory back (or, when it never left, starts PostgreSQL again without the staged WAL).</summary>
    public Task PutPostgresDataBackAsync(KeptPostgresData kept, CancellationToken cancellationToken) =>
        _pitr.PutBackAsync(kept, cancellationToken);

    /// <summary>Frees the kept data directory's volume.</summary>
    public Task DiscardPostgresDataAsync(KeptPostgresData kept, CancellationToken cancellationToken) =>
        _scripts.RunAsync(_moves.Discard(kept), cancellationToken);

    /// <summary>A database name for this restore: the live name (cut so the whole fits PostgreSQL's 63 bytes), a role and the restore's
    /// id.</summary>
    public static string DatabaseName(string database, string role, string id)
    {
        var suffix = $"_sdr_{role}_{id}";
        var room = 63 - System.Text.Encoding.UTF8.GetByteCount(suffix);
        var stem = database;
        while (System.Text.Encoding.UTF8.GetByteCount(stem) > room)
        {
            stem = stem[..^1];
        }

        return stem + suffix;
    }

    public static string Neo4jKept(string id) => Neo4jStoreLayout.KeptPrefix + id;

    public static string Neo4jDiscard(string id) => $"/data/summit-dr-discard-{id}";

    /// <summary>Beside the uploads tree, on its filesystem, hidden: `.summit-dr-kept-ID-NAME`.</summary>
    public static string UploadsKept(string uploads, string id) => Sibling(uploads, $".summit-dr-kept-{id}-");

    private static string UploadsDiscard(string uploads, string id) => Sibling(uploads, $".summit-dr-discard-{id}-");

    /// <summary>
    /// The restored database takes the live name; the live one is kept under its kept name. When there is no
    /// live database (a fresh server), the restored one only takes the name. Hands over what was done.
    /// </summary>
    /// <remarks>
    /// Not cancelled half way: a `docker exec` client that is killed leaves psql to commit in the container,
    /// and the swap would then have happened without being recorded. It gets a deadline of its own instead.
    /// </remarks>
    public Script SwapPostgresIn(KeptPostgres kept, Action<KeptPostgres> swapped)
    {
        var rename = _postgres.Rename(kept.Container, [(kept.Database, kept.Kept), (kept.Incoming, kept.Database)], async (ex, context) =>
        {
            if (ex.SqlState != PostgresError.InvalidCatalogName)
            {
                throw ex;
            }

            var databases = await _postgres.DatabasesAsync(kept.Container, context.CancellationToken);
            if (!databases.Contains(kept.Incoming) && databases.Contains(kept.Database))
            {
                // Asked again after an interrupt ended its client, while psql went on to commit in the container: it is done.
                swapped(kept with { Existed = databases.Contains(kept.Kept), Swapped = true });
                return;
            }

            // No live database to keep: the restored one only takes the name.
            var alone = _postgres.Rename(kept.Container, [(kept.Incoming, kept.Database)]);
            await alone.Judge(await context.RunAsync(alone.Spec), context);
            swapped(kept with { Existed = false, Swapped = true });
        });
        return Script.Of(rename with
            {
                Note = $"once postgres into {kept.Incoming} is done; one transaction",
                Judge = async (result, context) =>
                {
                    await rename.Judge(result, context);
                    if (result.Succeeded)
                    {
                        swapped(kept with { Existed = true, Swapped = true });
                    }
                },
            }).Uninterrupted(Uninterrupted);
    }

    /// <summary>Puts the kept database back under the live name and drops what replaced it (or the restored copy that never got swapped
    /// in).</summary>
    public async Task PutPostgresBackAsync(KeptPostgres kept, string id, CancellationToken cancellationToken)
    {
        // A run killed between the swap's commit and its record: the kept name exists, so the swap happened.
        if (!kept.Swapped && (await _postgres.DatabasesAsync(kept.Container, cancellationToken)).Contains(kept.Kept))
        {
            kept = kept with { Existed = true, Swapped = true };
        }

        var script = Script.Empty;
        if (kept.Swapped)
        {
            var discard = DatabaseName(kept.Database, "discard", id);
            script = Script.Of(_postgres.Rename(kept.Container, kept.Existed
                    ? [(kept.Database, discard), (kept.Kept, kept.Database)]
                    : [(kept.Database, discard)])).Uninterrupted(Uninterrupted)
                .Then(_postgres.Drop(kept.Container, discard));
        }

        await _scripts.RunAsync(script.Then(_postgres.Drop(kept.Container, kept.Incoming)), cancellationToken);
    }

    /// <summary>
    /// Frees <paramref name="state"/>: the kept database (and a restored copy left behind, when it never took the live
    /// name), the kept data directory's volume, the kept Neo4j store through <paramref name="bench"/> (when there is one),
    /// the kept uploads tree.
    /// </summary>
    public Script Discard(KeptState state, Neo4jWorkbench? bench)
    {
        // Side by side: each store's part is its own container's (or this process's) work, and idempotent, so one that fails
        // leaves the others freed and `undo --discard` finishes the rest.
        var parts = new List<Script>();
        if (state.Postgres is { } pg)
        {
            parts.Add(DiscardPostgres(pg));
        }

        if (state.PostgresData is { } data)
        {
            parts.Add(_moves.Discard(data));
        }

        if (state.Neo4j is { } graph && bench is not null)
        {
            parts.Add(Neo4jStoreMoves.RemoveKept(bench, graph.Kept));
        }

        if (state.Uploads is { } up)
        {
            parts.Add(Script.InProcess($"in process: delete {up.Kept}", token => Task.Run(() => DiscardUploads(up), token)));
        }

        return parts.Count switch
        {
            0 => Script.Empty,
            1 => parts[0],
            _ => Script.SideBySide([.. parts]),
        };
    }

    /// <summary>Frees the kept database (and a restored copy left behind, when it never took the live name).</summary>
    public Script DiscardPostgres(KeptPostgres kept) =>
        (kept.Existed ? _postgres.Drop(kept.Container, kept.Kept) : Script.Empty).Then(
            kept.Swapped ? Script.Empty : _postgres.Drop(kept.Container, kept.Incoming));

    /// <inheritdoc cref="DiscardPostgres"/>
    public Task DiscardPostgresAsync(KeptPostgres kept, CancellationToken cancellationToken) =>
        _scripts.RunAsync(DiscardPostgres(kept), cancellationToken);

    /// <summary>Moves the stopped Neo4j's store aside, to make room for the load; not cancelled half way, for the reason <see
    /// cref="SwapPostgresIn"/> gives.</summary>
    /// <param name="moved">Records the move, inside the part that is not cancelled: an interrupt that lands on the second rename
    /// still leaves a record that the store is aside, so the rollback puts it back before Neo4j starts.</param>
    public static Script MoveNeo4jAside(Neo4jWorkbench bench, KeptNeo4j kept, Action moved) =>
        Neo4jStoreMoves.MoveAside(bench, kept.Kept).Then(Script.Do(moved)).Uninterrupted(Uninterrupted);

    /// <summary>Renames the store loaded while Neo4j served into place, after the live one was moved aside; not cancelled half
    /// way.</summary>
    public static Script SwapStagedNeo4jIn(Neo4jWorkbench bench, Neo4jDataDirectory staging) =>
        Neo4jStoreMoves.MoveStagedIn(bench, staging.Layout).Uninterrupted(Uninterrupted);

    /// <summary>Puts the kept store back in place while Neo4j is stopped; what was in place is removed.</summary>
    public static Script PutNeo4jBack(Neo4jWorkbench bench, KeptNeo4j kept, string id)
    {
        var discard = Neo4jDiscard(id);
        return Neo4jStoreMoves.PutStoreBack(bench, kept.Kept, discard).Uninterrupted(Uninterrupted).Then(
            Neo4jStoreMoves.RemoveKept(bench, discard));
    }

    /// <summary>Frees the kept store; Neo4j may run, the kept directory is not a database.</summary>
    public static Script DiscardNeo4j(Neo4jWorkbench bench, KeptNeo4j kept) => Neo4jStoreMoves.RemoveKept(bench, kept.Kept);

    /// <summary>Puts the kept uploads tree back; the tree that replaced it is removed.</summary>
    public void PutUploadsBack(KeptUploads kept, string id)
    {
        if (!kept.Swapped)
        {
            return;
        }

        var discard = UploadsDiscard(kept.Path, id);
        if (Directory.Exists(kept.Path))
        {
            Directory.Move(kept.Path, discard);
        }

        if (kept.Existed)
        {
            Directory.Move(kept.Kept, kept.Path);
            if (kept.Mode is { } mode)
            {
                File.SetUnixFileMode(kept.Path, mode);
            }
        }

        StagedUploads.TryDelete(discard, _logger);
    }

    public void DiscardUploads(KeptUploads kept)
    {
        if (Directory.Exists(kept.Kept))
        {
            StagedUploads.TryDelete(kept.Kept, _logger);
        }
    }

    /// <summary>What each kept store takes, where it can be measured (null where not).</summary>
    public async Task<(long? Postgres, long? Neo4j, long? Uploads)> SizesAsync(KeptState state, CancellationToken cancellationToken)
    {
        long? postgres = null;
        long? neo4j = null;
        try
        {
            if (state.Postgres is { Existed: true } pg)
            {
                postgres = (await _postgres.SizesAsync(pg.Container, [pg.Kept], cancellationToken)).GetValueOrDefault(pg.Kept);
            }

            if (state.Neo4j is { } graph)
            {
                neo4j = await _neo4j.KeptSizeAsync(graph.Container, graph.Database, graph.Kept, cancellationToken);
            }
        }
        catch (SummitDrException ex)
        {
            _logger.LogDebug("Cannot measure the kept state: {Error}", ex.Message);
        }

        long? uploads = state.Uploads is { Existed: true } u && Directory.Exists(u.Kept) ? UploadsTree.Measure(u.Kept).Bytes : null;
        return (postgres, neo4j, uploads);
    }

    private static string Sibling(string path, string prefix)
    {
        var full = Path.GetFullPath(path).TrimEnd('/');
        return Path.Combine(Path.GetDirectoryName(full)!, prefix + Path.GetFileName(full));
    }
}
