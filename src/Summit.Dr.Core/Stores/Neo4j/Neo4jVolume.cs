using Summit.Dr.Engine.Docker;
using Summit.Dr.Engine.Processes;

namespace Summit.Dr.Stores.Neo4j;

/// <summary>
/// A running container that shares Neo4j's data volume, in which commands run as the store's owner: the workbench, or the
/// server's own container while it serves. Either writes the same bytes to the same place; the server's is there at once,
/// where a workbench takes a container start.
/// </summary>
public interface INeo4jVolume
{
    Neo4jTarget Target { get; }

    /// <summary>A command in the container as the store's owner; a dry run prints the same.</summary>
    ProcessSpec Exec(IReadOnlyList<string> command, bool interactive = false);
}

/// <summary>The running server's container, reached with `docker exec` as the store's owner.</summary>
public sealed class Neo4jServerVolume(DockerCli docker, Neo4jTarget target) : INeo4jVolume
{
    public Neo4jTarget Target => target;

    public ProcessSpec Exec(IReadOnlyList<string> command, bool interactive = false) =>
        docker.Spec(Neo4jOneOffs.ExecArgs(target.Container, target.Container.Name, command, interactive));
}
