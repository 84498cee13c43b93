namespace Summit.Dr.Engine.Docker;

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
        ["stop", "--time", ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            container];

    public static IReadOnlyList<string> Start(string container) => ["start", container];

    /// <param name="anonymousVolumes">Its anonymous volumes too (`--volumes`; named ones stay): for a container of an image that declares
    /// a VOLUME it does not use.</param>
    public static IReadOnlyList<string> RemoveForce(string container, bool anonymousVolumes = false) =>
        anonymousVolumes ? ["rm", "--force", "--volumes", container] : ["rm", "--force", container];

    /// <param name="user">`--user`: who runs it (a file's owner, so nothing is written as root); the container's user when null.</param>
    public static IReadOnlyList<string> Exec(
        string container, IReadOnlyList<string> command, IEnumerable<string>? environmentNames = null, bool interactive = false,
            string? user = null)
    {
        var args = new List<string> { "exec" };
        if (interactive)
        {
            args.Add("-i");
        }

        if (user is not null)
        {
            args.AddRange(["--user", user]);
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

    /// <summary>
    /// The start of `docker run` for an idle one-off (a workbench that waits for `docker exec`s): detached, no network,
    /// removed when it exits, and killed at once by `rm --force` on every engine. docker's rm --force sends SIGKILL; podman's
    /// first sends the stop signal and waits the container's stop timeout (10 s), which `sleep` or `tail` as PID 1 ignores.
    /// </summary>
    public static IReadOnlyList<string> RunIdle(string name) =>
        ["run", "-d", "--rm", "--network", "none", "--stop-timeout", "0", "--name", name];

    /// <summary>A one-off container with no network that is removed when it exits.</summary>
    public static IReadOnlyList<string> RunOneOff(OneOffSpec spec)
    {
        var args = new List<string> { "run", "--rm", "--network", "none", "--name", spec.Name };
        if (spec.Interactive)
        {
            args.Add("-i");
        }

        if (spec.User is not null)
        {
            args.Add("--user");
            args.Add(spec.User);
        }

        if (spec.VolumesFrom is not null)
        {
            args.Add("--volumes-from");
            args.Add(spec.VolumesFrom);
        }

        foreach (var mount in spec.Mounts)
        {
            args.Add("--mount");
            args.Add(mount.Argument);
        }

        if (spec.Tmpfs is not null)
        {
            args.Add("--tmpfs");
            args.Add(spec.Tmpfs);
        }

        if (spec.Entrypoint is not null)
        {
            args.Add("--entrypoint");
            args.Add(spec.Entrypoint);
        }

        args.Add(spec.Image);
        args.AddRange(spec.Command);
        return args;
    }
}
