namespace Summit.Dr.Errors;

/// <summary>
/// Exit code Integrity: a file summit-dr was about to read or write is not what it made (a link, another
/// user's file, another mode, another kind of file). Nothing is done with it; it is left for a person.
/// </summary>
public sealed class UnsafeFileException : SummitDrException
{
    public UnsafeFileException(string path, string problem)
        : base($"{path} {problem}. Nothing was done with it; inspect it, and remove it only once you know where it came " +
            $"from.", ExitCodes.Integrity)
    {
        Path = path;
    }

    public string Path { get; }
}
