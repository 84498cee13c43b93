using Summit.Dr.Engine.Docker;
using Summit.Dr.Stores.Neo4j;


namespace Summit.Dr.Operations.Restore;

/// <summary>The live containers a restore replaces stores in (null for a store it leaves alone).</summary>
public sealed record RestoreTargets(ContainerInfo? Postgres, Neo4jTarget? Neo4j);
