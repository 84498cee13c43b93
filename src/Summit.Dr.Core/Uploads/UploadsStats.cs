namespace Summit.Dr.Uploads;

/// <summary>What an uploads archive holds: regular files, their bytes, and directories.</summary>
public sealed record UploadsStats(int Files, long Bytes, int Directories, IReadOnlyList<string> Skipped);
