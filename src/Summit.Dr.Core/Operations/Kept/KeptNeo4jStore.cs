using Summit.Dr.Engine.Docker;
using Summit.Dr.Model;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Neo4j;


namespace Summit.Dr.Operations.Kept;

/// <summary>
/// A Neo4j store a restore kept aside, put back or freed through a workbench beside its server. Neo4j is
/// stopped to put a store back (and started again whatever happens) unless it is already down. Used by a
/// restore's rollback, by undo and by the recovery of a restore that died half way.
/// </summary>
public sealed class KeptNeo4jStore(DockerCli docker, Neo4jQueries queries, Neo4jDumps dumps, Neo4jStops stops, ScriptRunner scripts)
{
    public async Task PutBackAsync(KeptNeo4j graph, string id, CancellationToken cancellationToken)
    {
        var target = await TargetAsync(graph, cancellationToken);
        await using var bench = await dumps.StartWorkbenchAsync(target, cancellationToken);
        // A server that is not running stays stopped; one that runs is stopped for it and started again whatever happens.
        await stops.WhileStoppedAsync(target, KeptStores.PutNeo4jBack(bench, graph, id), bench, cancellationToken);
    }

    /// <summary>Frees the kept store; Neo4j may run, the kept directory is not a database.</summary>
    public async Task DiscardAsync(KeptNeo4j graph, CancellationToken cancellationToken)
    {
        await using var bench = await dumps.StartWorkbenchAsync(await TargetAsync(graph, cancellationToken), cancellationToken);
        await scripts.RunAsync(KeptStores.DiscardNeo4j(bench, graph), cancellationToken);
    }

    private async Task<Neo4jTarget> TargetAsync(KeptNeo4j graph, CancellationToken cancellationToken) =>
        queries.Describe(await docker.RequireAsync(graph.Container, "Neo4j", "Neo4j:Container", null, null, cancellationToken));
}
