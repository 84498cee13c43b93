namespace Summit.Dr.Errors;

/// <summary>Exit code Usage: the command line or configuration is wrong.</summary>
public sealed class UsageException : SummitDrException
{
    public UsageException(string message, Exception? inner = null)
        : base(message, ExitCodes.Usage, inner)
    {
    }
}
