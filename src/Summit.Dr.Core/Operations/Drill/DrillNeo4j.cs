using System.Globalization;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Neo4j;

namespace Summit.Dr.Operations.Drill;

/// <summary>A drill's Neo4j: a scratch server of the live image, the dump loaded into its fresh volume, started, counted.</summary>
public sealed class DrillNeo4j(
    DockerCli docker, Neo4jQueries queries, Neo4jDumps dumps, Neo4jIncoming incoming, ScriptRunner scripts,
    IOptions<SummitDrOptions> options)
{
    public async Task RunAsync(
        DrillScratch scratch, OpenedBackup opened, string image, DrillChecks checks, CancellationToken cancellationToken)
    {
        var settings = options.Value.Neo4j;
        var recorded = opened.Manifest?.Neo4j;
        var live = await docker.InspectAsync(settings.Container, cancellationToken);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in new[] { "NEO4J_AUTH", "NEO4J_ACCEPT_LICENSE_AGREEMENT" })
        {
            if (live?.Environment.GetValueOrDefault(key) is { } value)
            {
                environment[key] = value;
            }
        }

        if (!environment.ContainsKey("NEO4J_AUTH"))
        {
            environment["NEO4J_AUTH"] = settings.Password is { Length: > 0 } password ? $"{settings.User}/{password}" : "none";
        }

        var container = await scratch.RunAsync("neo4j", image, environment, start: false, cancellationToken);
        var target = queries.Describe(container) with { Database = recorded?.Database ?? settings.Database };
        await using (var bench = await dumps.StartWorkbenchAsync(target, cancellationToken))
        {
            // The dump, read once into the scratch server's own volume and checked on the way, is what neo4j-admin loads.
            var copy = Neo4jIncoming.DirectoryFor(target, scratch.Id);
            await scripts.RunAsync(incoming.Copy(bench, copy, opened, journaled: false), cancellationToken);
            try
            {
                await scripts.RunAsync(Neo4jIncoming.Load(bench, copy), cancellationToken);
            }
            catch (OperationFailedException ex)
            {
                throw new IntegrityException($"neo4j.dump does not load: {ex.Message}", ex);
            }
        }

        var nodes = await queries.StartAndWaitAsync(target, cancellationToken);
        var relationships = nodes is null ? null : await queries.CountRelationshipsAsync(target, cancellationToken);
        if (nodes is null)
        {
            checks.Add("neo4j nodes", true, "Neo4j answers, but its credentials are not known: the node count was not compared");
            return;
        }

        checks.Add(recorded?.NodeCount is { } expected
            ? new("neo4j nodes", nodes == expected, $"{nodes} nodes loaded, the manifest records {expected}")
            : new("neo4j nodes", true, $"{nodes} nodes loaded (the manifest records no node count)"));
        if (recorded?.RelationshipCount is { } links)
        {
            checks.Add("neo4j relationships", relationships == links,
                $"{relationships?.ToString(CultureInfo.InvariantCulture) ?? "an unknown number of"} relationships loaded, the manifest " +
                    $"records {links}");
        }

        if (options.Value.Drill.Cypher is { Length: > 0 } cypher)
        {
            var returned = await queries.SmokeQueryAsync(target, cypher, cancellationToken);
            checks.Add("neo4j smoke query", returned > 0, $"Drill:Cypher returned {returned} row(s)");
        }
    }
}
