namespace Summit.Dr.Engine.Processes;

/// <summary>One process to start: a program and its argument list (never a shell string).</summary>
/// <param name="FileName">The program, for example the docker CLI.</param>
/// <param name="Arguments">Arguments passed as an array, each one verbatim.</param>
public sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>Variables added to the child's environment. Secrets travel here, never in <see cref="Arguments"/>.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>When set, the child's standard input is read from this stream.</summary>
    public Stream? StandardInput { get; init; }

    /// <summary>When set, the child's standard output is streamed here instead of being captured as text.</summary>
    public Stream? StandardOutput { get; init; }

    /// <summary>The command as an operator would type it, for logs, errors and dry runs. Holds no secret.</summary>
    public string Display => string.Join(' ', new[] { Path.GetFileName(FileName) }.Concat(Arguments.Select(Quote)));

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_./:=,@%+".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
