using Summit.Dr.Docker;
using Summit.Dr.Neo4j;

namespace Summit.Dr.Restore;

/// <summary>The live containers a restore replaces stores in (null for a store it leaves alone).</summary>
public sealed record RestoreTargets(ContainerInfo? Postgres, Neo4jTarget? Neo4j);
