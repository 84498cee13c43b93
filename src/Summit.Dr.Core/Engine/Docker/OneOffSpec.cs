namespace Summit.Dr.Engine.Docker;

/// <summary>A one-off container of an image: no network, removed when it exits (`docker run --rm`).</summary>
/// <param name="Name">A fixed name per purpose and server, so a leftover of a killed run can be found and removed.</param>
public sealed record OneOffSpec(string Name, string Image, IReadOnlyList<string> Command)
{
    /// <summary>A container whose volumes it shares (`--volumes-from`).</summary>
    public string? VolumesFrom { get; init; }

    /// <summary>Keeps standard input open (`-i`), for a stream fed to the command.</summary>
    public bool Interactive { get; init; }

    /// <summary>A path mounted as tmpfs, so an image's declared volume there leaves no anonymous volume behind.</summary>
    public string? Tmpfs { get; init; }

    /// <summary>`--user`: who the command runs as; the image's default when null.</summary>
    public string? User { get; init; }

    /// <summary>`--entrypoint`: replaces the image's entrypoint; the image's own runs when null.</summary>
    public string? Entrypoint { get; init; }

    public IReadOnlyList<BindMount> Mounts { get; init; } = [];
}
