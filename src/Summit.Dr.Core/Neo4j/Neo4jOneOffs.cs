using Summit.Dr.Docker;

namespace Summit.Dr.Neo4j;

/// <summary>
/// The one-off containers the tool runs from the server's image, as specs, so a dry run prints exactly what
/// a real run executes. They run as the server's own user when it has one: run as root, the image's
/// entrypoint makes /data writable for uid 7474 with `chown -R`, which would take the store away from a
/// server that runs as another user.
/// </summary>
public static class Neo4jOneOffs
{
    /// <summary>Where the bind-mounted backup directory appears inside the dump one-off.</summary>
    public const string DumpMountPoint = "/summit-dr-dump";

    /// <summary>
    /// Fixed per purpose and server, so a leftover from a killed run can be found and removed; the operation
    /// lock keeps two runs from needing the same name at once.
    /// </summary>
    public static string Name(string purpose, string container) => $"summit-dr-{purpose}-{container}";

    /// <summary>
    /// The dump written by neo4j-admin itself into a host directory (the runbook's `--to-path`). The image's
    /// entrypoint runs as it does for the runbook's command, so a root-owned file in /data is made writable
    /// first, and whatever the entrypoint prints on stdout never reaches the dump.
    /// </summary>
    public static OneOffSpec DumpToDirectory(Neo4jTarget target, string hostDirectory) =>
        new(Name("dump", target.Container.Name), target.Container.Image, Neo4jCommands.DumpToPath(target.Database, target.Syntax, DumpMountPoint))
        {
            VolumesFrom = target.Container.Name,
            User = ServerUser(target.Container),
            Mounts = [new BindMount(hostDirectory, DumpMountPoint)],
        };

    /// <summary>
    /// The dump streamed through the docker CLI, for an engine that cannot see the backup directory. The
    /// image's entrypoint is bypassed, because it writes warnings to stdout (for example when a file in /data
    /// is owned by root) that would land in front of the archive; neo4j-admin runs as the store's owner.
    /// </summary>
    public static OneOffSpec DumpToStdout(Neo4jTarget target) =>
        new(Name("dump", target.Container.Name), target.Container.Image, [.. Neo4jCommands.DumpToStdout(target.Database, target.Syntax).Skip(1)])
        {
            VolumesFrom = target.Container.Name,
            User = StoreOwner(target.Container),
            Entrypoint = Neo4jCommands.Admin,
        };

    /// <summary>The load reads the dump from stdin; its stdout is only text, so the entrypoint runs as usual.</summary>
    public static OneOffSpec Load(Neo4jTarget target) =>
        new(Name("load", target.Container.Name), target.Container.Image, Neo4jCommands.LoadFromStdin(target.Database, target.Syntax))
        {
            VolumesFrom = target.Container.Name,
            User = ServerUser(target.Container),
            Interactive = true,
        };

    /// <summary>Reads a dump without loading it; /data is a tmpfs, so the image's VOLUME leaves no anonymous volume per run.</summary>
    public static OneOffSpec Info(Neo4jTarget target, IReadOnlyList<string> command) =>
        new(Name("info", target.Container.Name), target.Container.Image, command)
        {
            User = ServerUser(target.Container),
            Interactive = true,
            Tmpfs = "/data",
        };

    /// <summary>
    /// Tells whether the engine sees <paramref name="hostDirectory"/> as this process does: true only when
    /// the probe file written there is visible in the container. The entrypoint is bypassed: nothing of the
    /// platform is touched.
    /// </summary>
    public static OneOffSpec Probe(Neo4jTarget target, string hostDirectory, string probeFile) =>
        new(Name("probe", target.Container.Name), target.Container.Image, ["-f", $"{DumpMountPoint}/{probeFile}"])
        {
            Entrypoint = "test",
            Mounts = [new BindMount(hostDirectory, DumpMountPoint, ReadOnly: true)],
        };

    /// <summary>The server's configured user, or null when it runs as the image's default (root).</summary>
    private static string? ServerUser(ContainerInfo container) => IsRoot(container.User) ? null : container.User;

    /// <summary>Who owns the store: the server's user, or neo4j (uid 7474) when the entrypoint started it as root.</summary>
    private static string StoreOwner(ContainerInfo container) => IsRoot(container.User) ? "neo4j" : container.User;

    private static bool IsRoot(string user) =>
        user.Length == 0 || user.Split(':')[0] is "0" or "root";
}
