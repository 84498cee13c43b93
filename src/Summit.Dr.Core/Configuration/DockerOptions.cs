namespace Summit.Dr.Configuration;

public sealed class DockerOptions
{
    /// <summary>The docker CLI, or any compatible one (podman); looked up on PATH when not a path.</summary>
    public string Path { get; set; } = "docker";
}
