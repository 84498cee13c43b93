namespace Summit.Dr.Errors;

/// <summary>Exit code Failed: the operation failed.</summary>
public class OperationFailedException : SummitDrException
{
    public OperationFailedException(string message, Exception? inner = null)
        : base(message, ExitCodes.Failed, inner)
    {
    }
}
