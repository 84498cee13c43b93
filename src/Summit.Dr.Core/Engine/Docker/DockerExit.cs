namespace Summit.Dr.Engine.Docker;

/// <summary>The docker CLI's own exit codes (the docker run reference, "Exit status"), told apart from the command's.</summary>
public static class DockerExit
{
    /// <summary>The daemon refused the request: a name in use, a mount it cannot make, an image it lacks.</summary>
    public const int DaemonError = 125;

    /// <summary>126: the program cannot be invoked; 127: no such program in the container (docker 28 says 126 for both).</summary>
    public static bool IsMissingProgram(int exitCode) => exitCode is 126 or 127;
}
