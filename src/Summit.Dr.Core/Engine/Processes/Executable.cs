namespace Summit.Dr.Engine.Processes;

/// <summary>Where a program is, as the shell's `command -v` finds it: a path as given, a bare name on PATH.</summary>
public static class Executable
{
    private const UnixFileMode Runnable = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>The program's full path, or null when there is no such runnable file.</summary>
    public static string? Find(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return Runs(program) ? Path.GetFullPath(program) : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(Runs);
    }

    /// <summary>Why <see cref="Find"/> found nothing, as the shell would say it.</summary>
    public static string WhyNot(string program) =>
        !program.Contains('/', StringComparison.Ordinal) ? "not found on PATH"
        : File.Exists(program) ? "Permission denied (not executable)"
        : "No such file or directory";

    private static bool Runs(string path) =>
        File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & Runnable) != 0);
}
