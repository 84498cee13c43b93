namespace Summit.Dr.Engine.Docker;

/// <summary>
/// What only the docker CLI's English says. Where an exit code or a structured answer decides, the tool uses
/// that (`docker inspect` prints `[]` for a missing container, `docker rm --force` succeeds for one that is
/// gone, `docker exec` exits 126 or 127 for a missing program); these are the cases where the CLI exits 1 for
/// every failure. The one place for each pattern; tests feed them the real text of docker and podman.
/// </summary>
public static class DockerText
{
    private static readonly string[] UnreachableMarkers =
    [
        "Cannot connect to the Docker daemon",
        "Is the docker daemon running",
        "error during connect",
        "Cannot connect to Podman",
    ];

    /// <summary>The CLI reached no engine: `Cannot connect to the Docker daemon at unix:///... Is the docker daemon running?`.</summary>
    public static bool IsUnreachable(string stderr) => UnreachableMarkers.Any(m => stderr.Contains(m, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// `docker exec` into a stopped container: docker says `Container ID is not running`, podman `can only
    /// create exec sessions on running containers`.
    /// </summary>
    public static bool IsNotRunning(string stderr) =>
        stderr.Contains("is not running", StringComparison.OrdinalIgnoreCase)
        || stderr.Contains("on running containers", StringComparison.OrdinalIgnoreCase);
}
