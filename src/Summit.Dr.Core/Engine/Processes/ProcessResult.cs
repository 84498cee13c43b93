namespace Summit.Dr.Engine.Processes;

/// <summary>How a process ended. A non-zero exit is a result, not an exception: each caller decides what it means.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Duration)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last non-empty line of standard error, the part an operator needs in a one-line message.</summary>
    public string ErrorSummary
    {
        get
        {
            var lines = StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return lines.Length == 0 ? $"exit code {ExitCode}" : lines[^1];
        }
    }
}
