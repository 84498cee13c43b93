using System.Globalization;
using Microsoft.Extensions.Logging;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Steps;

namespace Summit.Dr.Stores.Neo4j;

/// <summary>
/// A Neo4j store moved within its own volume, never copied: aside for `undo`, back in place, or removed. Each
/// move renames the store and its transaction logs, side by side, in a workbench that shares the volume.
/// </summary>
public sealed class Neo4jStoreMoves(DockerCli docker, ILogger<Neo4jStoreMoves> logger)
{
    /// <summary>
    /// Moves the (stopped) database's store and transaction logs aside under the name <paramref name="kept"/>,
    /// in the same volume and outside /data/databases, so Neo4j never takes them for a database: two renames,
    /// not a copy.
    /// </summary>
    public static Script MoveAside(Neo4jWorkbench bench, string kept) =>
        Move(bench, Neo4jStoreLayout.Live(bench.Target.Database), Neo4jStoreLayout.Kept(kept, bench.Target.Database));

    /// <summary>Renames a store loaded into a staging directory of the same volume into place (the live one was moved aside).</summary>
    public static Script MoveStagedIn(Neo4jWorkbench bench, Neo4jStoreLayout staged) =>
        Move(bench, staged, Neo4jStoreLayout.Live(bench.Target.Database));

    /// <summary>Puts a store kept aside back in place: what is in place now goes to <paramref name="discard"/> first.</summary>
    public static Script PutStoreBack(Neo4jWorkbench bench, string kept, string discard)
    {
        var database = bench.Target.Database;
        return Move(bench, Neo4jStoreLayout.Live(database), Neo4jStoreLayout.Kept(discard, database))
            .Then(Move(bench, Neo4jStoreLayout.Kept(kept, database), Neo4jStoreLayout.Live(database)));
    }

    /// <summary>Removes a store kept (or discarded) under the name <paramref name="kept"/> from the volume.</summary>
    public static Script RemoveKept(Neo4jWorkbench bench, string kept)
    {
        var layout = Neo4jStoreLayout.Kept(kept, bench.Target.Database);
        return Script.Run(bench.Exec(["rm", "-rf", layout.Store, layout.Transactions]), $"Could not remove {layout.Store} from Neo4j's " +
            $"volume");
    }

    /// <summary>Bytes of the store kept under the name <paramref name="kept"/>, or null when it cannot be measured.</summary>
    public async Task<long?> KeptSizeAsync(string container, string database, string kept, CancellationToken cancellationToken)
    {
        var layout = Neo4jStoreLayout.Kept(kept, database);
        var result = await docker.RunAsync(
            docker.Spec(DockerArgs.Exec(container, ["du", "-s", "-k", "-c", layout.Store, layout.Transactions])), cancellationToken);
        // With -c the last line is the total of what exists; a store without transaction logs still counts.
        var total = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Split('\t')[0].Trim();
        return long.TryParse(total, NumberStyles.Integer, CultureInfo.InvariantCulture, out var kib) && kib > 0 ? kib * 1024 : null;
    }

    /// <summary>Removes the containers the killed run of <paramref name="pid"/> may have left holding the store lock.</summary>
    public async Task RemoveLeftoverOneOffsAsync(string container, int pid)
    {
        foreach (var purpose in new[] { Purposes.Admin, Purposes.Safety })
        {
            await Neo4jWorkbench.RemoveQuietlyAsync(docker, Neo4jOneOffs.Name(purpose, container, pid), logger);
        }
    }

    /// <summary>The store and its transaction logs, side by side: two renames within the volume.</summary>
    private static Script Move(Neo4jWorkbench bench, Neo4jStoreLayout from, Neo4jStoreLayout to) =>
        Script.SideBySide(Rename(bench, from.Store, to.Store), Rename(bench, from.Transactions, to.Transactions));

    /// <summary>A database that never wrote a transaction log has none to move: `test -e` says whether that is why it failed.</summary>
    private static Script Rename(Neo4jWorkbench bench, string source, string destination) => Script.Of(
        new RunCommand(bench.Exec(["mv", "-T", source, destination]), Judges.RequireUnlessMissing($"Could not move {source} to " +
            $"{destination} in Neo4j's volume", bench.Exec(["test", "-e", source]))));
}
