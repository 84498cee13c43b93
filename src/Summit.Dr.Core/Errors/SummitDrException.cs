namespace Summit.Dr.Errors;

/// <summary>An expected failure an operator sees: a one-line message that says what to do, and its exit code.</summary>
public abstract class SummitDrException : Exception
{
    protected SummitDrException(string message, int exitCode, Exception? inner = null)
        : base(message, inner)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; }
}
