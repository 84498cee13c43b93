using System.Globalization;
using Microsoft.Extensions.Logging;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Steps;

namespace Summit.Dr.Stores.Neo4j;

/// <summary>
/// A Neo4j store moved within its own volume, never copied: aside for `undo`, back in place, or removed. Each
/// move renames the store and its transaction logs, side by side, in a workbench that shares the volume.
/// </summary>
public sealed class Neo4jStoreMoves(DockerCli docker, ILogger<Neo4jStoreMoves> logger)
{
    /// <summary>What <see cref="MoveStoreAsideAsync"/> runs.</summary>
    public StepPlan MoveAsidePlan(Neo4jWorkbench bench, string kept) =>
        MovePlan(bench, Neo4jStoreLayout.Live(bench.Target.Database), Neo4jStoreLayout.Kept(kept, bench.Target.Database));

    /// <summary>
    /// Moves the (stopped) database's store and transaction logs aside under the name <paramref name="kept"/>,
    /// in the same volume and outside /data/databases, so Neo4j never takes them for a database: two renames,
    /// not a copy.
    /// </summary>
    public Task MoveStoreAsideAsync(Neo4jWorkbench bench, string kept, CancellationToken cancellationToken) =>
        MoveStoreAsync(bench, Neo4jStoreLayout.Live(bench.Target.Database), Neo4jStoreLayout.Kept(kept, bench.Target.Database), cancellationToken);

    /// <summary>What <see cref="MoveStagedInAsync"/> runs.</summary>
    public StepPlan MoveStagedInPlan(Neo4jWorkbench bench, Neo4jStoreLayout staged) => MovePlan(bench, staged, Neo4jStoreLayout.Live(bench.Target.Database));

    /// <summary>Renames a store loaded into a staging directory of the same volume into place (the live one was moved aside).</summary>
    public Task MoveStagedInAsync(Neo4jWorkbench bench, Neo4jStoreLayout staged, CancellationToken cancellationToken) =>
        MoveStoreAsync(bench, staged, Neo4jStoreLayout.Live(bench.Target.Database), cancellationToken);

    /// <summary>Puts a store kept aside back in place: what is in place now goes to <paramref name="discard"/> first.</summary>
    public async Task PutStoreBackAsync(Neo4jWorkbench bench, string kept, string discard, CancellationToken cancellationToken)
    {
        var database = bench.Target.Database;
        await MoveStoreAsync(bench, Neo4jStoreLayout.Live(database), Neo4jStoreLayout.Kept(discard, database), cancellationToken);
        await MoveStoreAsync(bench, Neo4jStoreLayout.Kept(kept, database), Neo4jStoreLayout.Live(database), cancellationToken);
    }

    /// <summary>What <see cref="RemoveKeptAsync"/> runs.</summary>
    public PlannedCommand RemoveKeptPlan(Neo4jWorkbench bench, string kept)
    {
        var layout = Neo4jStoreLayout.Kept(kept, bench.Target.Database);
        return docker.Spec(bench.ExecArgs(["rm", "-rf", layout.Store, layout.Transactions]));
    }

    /// <summary>Removes a store kept (or discarded) under the name <paramref name="kept"/> from the volume.</summary>
    public async Task RemoveKeptAsync(Neo4jWorkbench bench, string kept, CancellationToken cancellationToken)
    {
        var layout = Neo4jStoreLayout.Kept(kept, bench.Target.Database);
        Neo4jDumps.Require(await bench.ExecAsync(["rm", "-rf", layout.Store, layout.Transactions], cancellationToken), $"Could not remove {layout.Store} from Neo4j's volume");
    }

    /// <summary>Bytes of the store kept under the name <paramref name="kept"/>, or null when it cannot be measured.</summary>
    public async Task<long?> KeptSizeAsync(string container, string database, string kept, CancellationToken cancellationToken)
    {
        var layout = Neo4jStoreLayout.Kept(kept, database);
        var result = await docker.RunAsync(docker.Spec(DockerArgs.Exec(container, ["du", "-s", "-k", "-c", layout.Store, layout.Transactions])), cancellationToken);
        // With -c the last line is the total of what exists; a store without transaction logs still counts.
        var total = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Split('\t')[0].Trim();
        return long.TryParse(total, NumberStyles.Integer, CultureInfo.InvariantCulture, out var kib) && kib > 0 ? kib * 1024 : null;
    }

    /// <summary>Removes the containers a killed run may have left holding the store lock (dump and load: the names of earlier versions).</summary>
    public async Task RemoveLeftoverOneOffsAsync(string container)
    {
        foreach (var purpose in new[] { "admin", "dump", "load" })
        {
            await Neo4jWorkbench.RemoveQuietlyAsync(docker, Neo4jOneOffs.Name(purpose, container), logger);
        }
    }

    private StepPlan MovePlan(Neo4jWorkbench bench, Neo4jStoreLayout from, Neo4jStoreLayout to) => StepPlan.Of(
        new PlannedCommand(docker.Spec(bench.ExecArgs(["mv", "-T", from.Store, to.Store]))),
        new PlannedCommand(docker.Spec(bench.ExecArgs(["mv", "-T", from.Transactions, to.Transactions]))) { Note = "beside the move above, at the same time" });

    /// <summary>The store and its transaction logs, side by side: two renames within the volume.</summary>
    private static async Task MoveStoreAsync(Neo4jWorkbench bench, Neo4jStoreLayout from, Neo4jStoreLayout to, CancellationToken cancellationToken)
    {
        async Task Move(string source, string destination)
        {
            var result = await bench.ExecAsync(["mv", "-T", source, destination], cancellationToken);
            // A database that never wrote a transaction log has none to move: `test -e` says whether that is why.
            if (!result.Succeeded && (await bench.ExecAsync(["test", "-e", source], cancellationToken)).Succeeded)
            {
                throw new OperationFailedException($"Could not move {source} to {destination} in Neo4j's volume: {result.ErrorSummary}");
            }
        }

        // The store first, then its logs: a step's commands are recorded in the order they run.
        var store = Move(from.Store, to.Store);
        var transactions = Move(from.Transactions, to.Transactions);
        await Task.WhenAll(store, transactions);
    }
}
