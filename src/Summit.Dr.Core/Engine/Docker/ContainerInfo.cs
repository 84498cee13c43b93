namespace Summit.Dr.Engine.Docker;

/// <summary>What `docker inspect` tells about one container.</summary>
/// <param name="User">Config.User: who the container runs as; empty when the image's default (root) applies.</param>
public sealed record ContainerInfo(
    string Id,
    string Name,
    string Image,
    bool Running,
    string Status,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, string> Labels,
    string User = "")
{
    /// <summary>The image's id (`Image` at the top of inspect): present as long as the container is, whatever its tag does.</summary>
    public string ImageId { get; init; } = string.Empty;

    /// <summary>When the engine created it (`Created`), where it says.</summary>
    public DateTimeOffset? Created { get; init; }
}
