using Summit.Dr.Engine.Docker;


namespace Summit.Dr.Engine.Discovery;

/// <summary>Which container a run uses for one store, and why.</summary>
/// <param name="What">How an operator calls the store: "PostgreSQL", "Neo4j".</param>
/// <param name="Key">The setting that names its container.</param>
/// <param name="Reason">Why this container: configured (and where), a compose project's service, or the default name.</param>
/// <param name="Container">The container as inspected; null when there is none of that name.</param>
/// <param name="FromCompose">Found as a compose service: it lends its environment to settings nobody set.</param>
/// <param name="Hint">When it is missing: a compose service of that name in another project, and how to select it.</param>
public sealed record ContainerChoice(
    string What, string Key, string Name, string Reason, ContainerInfo? Container, bool FromCompose, string? Hint);
