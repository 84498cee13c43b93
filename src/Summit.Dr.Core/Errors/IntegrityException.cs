namespace Summit.Dr.Errors;

/// <summary>Exit code Integrity: a backup is incomplete, corrupt or unsafe.</summary>
public sealed class IntegrityException : SummitDrException
{
    public IntegrityException(string message, Exception? inner = null)
        : base(message, ExitCodes.Integrity, inner)
    {
    }
}
