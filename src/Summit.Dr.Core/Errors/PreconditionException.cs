namespace Summit.Dr.Errors;

/// <summary>Exit code Precondition: a precondition is not met (docker, a container, disk, the lock).</summary>
public sealed class PreconditionException : SummitDrException
{
    public PreconditionException(string message, Exception? inner = null)
        : base(message, ExitCodes.Precondition, inner)
    {
    }
}
