namespace Summit.Dr.Errors;

/// <summary>The exit codes of the design's table; Makefiles and CI depend on them.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Precondition = 3;
    public const int Integrity = 4;

    /// <summary>`status`: a recovery objective is breached (the run itself worked).</summary>
    public const int Breached = 5;
    public const int Interrupted = 130;

    /// <summary>The word every `--json` document carries beside its exit code.</summary>
    public static string Outcome(int exitCode) => exitCode switch
    {
        Success => "succeeded",
        Failed => "failed",
        Usage => "usage",
        Precondition => "precondition",
        Integrity => "integrity",
        Breached => "breached",
        Interrupted => "interrupted",
        _ => "failed",
    };
}
