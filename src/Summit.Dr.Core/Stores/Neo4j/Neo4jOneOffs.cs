using Summit.Dr.Engine.Docker;


namespace Summit.Dr.Stores.Neo4j;

/// <summary>
/// The one-off containers the tool runs from the server's image where no server or workbench is at hand
/// (`check` reading a dump, the size of a stopped store), as specs, so a dry run prints exactly what a real
/// run executes. They run as the server's own user when it has one: run as root, the image's entrypoint makes
/// /data writable for uid 7474 with `chown -R`, which would take the store away from a server that runs as
/// another user.
/// </summary>
public static class Neo4jOneOffs
{
    /// <summary>
    /// Per purpose, server and run (<see cref="OneOffOwner.Named"/>): a leftover of a killed run is found by its name (the dead
    /// run's pid) or by its owner label, and no run ever needs another's name.
    /// </summary>
    public static string Name(string purpose, string container, int? pid = null) =>
        OneOffOwner.Named($"summit-dr-{purpose}-{container}", pid);

    /// <summary>Reads a dump without loading it; /data is a tmpfs, so the image's VOLUME leaves no anonymous volume per run.</summary>
    public static OneOffSpec Info(Neo4jTarget target, IReadOnlyList<string> command) =>
        new(Name("info", target.Container.Name), target.Container.Image, command)
        {
            User = ServerUser(target.Container),
            Interactive = true,
            Tmpfs = "/data",
        };

    /// <summary>The server's configured user, or null when it runs as the image's default (root).</summary>
    public static string? ServerUser(ContainerInfo container) => IsRoot(container.User) ? null : container.User;

    /// <summary>Who owns the store: the server's user, or neo4j (uid 7474) when the entrypoint started it as root.</summary>
    public static string StoreOwner(ContainerInfo container) => IsRoot(container.User) ? "neo4j" : container.User;

    /// <summary>`docker exec` of <paramref name="command"/> in <paramref name="container"/> (the server's or a workbench beside it)
    /// as the owner of <paramref name="server"/>'s store.</summary>
    public static IReadOnlyList<string> ExecArgs(
        ContainerInfo server, string container, IReadOnlyList<string> command, bool interactive = false) =>
        ["exec", .. interactive ? new[] { "-i" } : [], "--user", StoreOwner(server), container, .. command];

    private static bool IsRoot(string user) =>
        user.Length == 0 || user.Split(':')[0] is "0" or "root";
}
