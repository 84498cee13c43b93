namespace Summit.Dr.Docker;

/// <summary>
/// Argument arrays for every docker command the tool runs. Pure functions, so a dry run prints exactly
/// what a real run executes. Secrets are named with `-e NAME` only; their values travel in the
/// environment of the docker CLI process.
/// </summary>
public static class DockerArgs
{
    public static IReadOnlyList<string> Inspect(string container) =>
        ["inspect", "--type", "container", container];

    public static IReadOnlyList<string> Stop(string container, TimeSpan timeout) =>
        ["stop", "--time", ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture), container];

    public static IReadOnlyList<string> Start(string container) => ["start", container];

    public static IReadOnlyList<string> RemoveForce(string container) => ["rm", "--force", container];

    public static IReadOnlyList<string> Exec(
        string container, IReadOnlyList<string> command, IEnumerable<string>? environmentNames = null, bool interactive = false)
    {
        var args = new List<string> { "exec" };
        if (interactive)
        {
            args.Add("-i");
        }

        foreach (var name in environmentNames ?? [])
        {
            args.Add("-e");
            args.Add(name);
        }

        args.Add(container);
        args.AddRange(command);
        return args;
    }

    /// <summary>A one-off container with no network that is removed when it exits.</summary>
    /// <param name="tmpfs">A path to mount as tmpfs, so an image's declared volume there leaves no anonymous volume behind.</param>
    public static IReadOnlyList<string> RunOneOff(
        string name, string image, IReadOnlyList<string> command, string? volumesFrom = null, bool interactive = false, string? tmpfs = null)
    {
        var args = new List<string> { "run", "--rm", "--network", "none", "--name", name };
        if (interactive)
        {
            args.Add("-i");
        }

        if (volumesFrom is not null)
        {
            args.Add("--volumes-from");
            args.Add(volumesFrom);
        }

        if (tmpfs is not null)
        {
            args.Add("--tmpfs");
            args.Add(tmpfs);
        }

        args.Add(image);
        args.AddRange(command);
        return args;
    }
}
