namespace Summit.Dr.Errors;

/// <summary>Exit code Failed: the disk filled up while the run was writing.</summary>
public sealed class DiskFullException : SummitDrException
{
    public DiskFullException(string message, Exception? inner = null)
        : base(message, ExitCodes.Failed, inner)
    {
    }
}
