namespace Summit.Dr.Tool.Hosting;

/// <summary>The options every command shares, as parsed.</summary>
public sealed record GlobalOptions(
    string? ConfigFile,
    string? WorkingDirectory,
    string? Docker,
    IReadOnlyList<string> Settings,
    bool Verbose,
    bool Quiet);
