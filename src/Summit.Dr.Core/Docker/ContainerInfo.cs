namespace Summit.Dr.Docker;

/// <summary>What `docker inspect` tells about one container.</summary>
public sealed record ContainerInfo(
    string Id,
    string Name,
    string Image,
    bool Running,
    string Status,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, string> Labels);
