namespace Summit.Dr.Stores.Uploads;

/// <summary>What an uploads archive holds: regular files, their bytes, and directories.</summary>
/// <param name="TreeSha256">The <see cref="UploadsTreeHash"/> of the contents, when the archive was read (not extracted).</param>
public sealed record UploadsStats(int Files, long Bytes, int Directories, IReadOnlyList<string> Skipped, string? TreeSha256 = null)
{
    /// <summary>Extracted entries whose owner could not be given back (not root), and the first of them.</summary>
    public (int Count, string? First) NotOwned { get; init; }
}
