namespace Summit.Dr.Errors;

/// <summary>Exit code Precondition: another summit-dr run holds the backup root's lock (an overlapping or missed schedule).</summary>
public sealed class LockedException : SummitDrException
{
    public LockedException(string message, Exception? inner = null)
        : base(message, ExitCodes.Precondition, inner)
    {
    }
}
