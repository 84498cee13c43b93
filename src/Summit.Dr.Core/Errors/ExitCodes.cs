namespace Summit.Dr.Errors;

/// <summary>The exit codes of the design's table; Makefiles and CI depend on them.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Precondition = 3;
    public const int Integrity = 4;
    public const int Interrupted = 130;
}
