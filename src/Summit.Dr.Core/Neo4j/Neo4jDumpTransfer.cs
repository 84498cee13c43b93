namespace Summit.Dr.Neo4j;

/// <summary>Values of Neo4j:DumpTransfer: how the dump gets from the one-off container to the backup directory.</summary>
public static class Neo4jDumpTransfer
{
    /// <summary>A bind mount when a probe shows the engine sees the backup directory, else a stream.</summary>
    public const string Auto = "auto";

    /// <summary>neo4j-admin writes the dump into the bind-mounted backup directory (a local engine).</summary>
    public const string BindMount = "bind-mount";

    /// <summary>The dump travels through the docker CLI's stdout (a remote engine).</summary>
    public const string Stream = "stream";

    public static readonly IReadOnlyList<string> All = [Auto, BindMount, Stream];
}
