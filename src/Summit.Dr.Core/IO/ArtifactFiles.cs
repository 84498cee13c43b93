namespace Summit.Dr.IO;

/// <summary>How the tool opens artifacts: streamed with a large buffer, never read whole into memory.</summary>
public static class ArtifactFiles
{
    /// <summary>One handle on a regular file, opened without following a link at its name.</summary>
    public static FileStream OpenRead(string path) => SafeFiles.OpenRead(path);

    /// <summary>Opens an artifact to be read once, for a check and its SHA-256 together.</summary>
    public static HashingReadStream OpenHashing(string path) => new(OpenRead(path));

    /// <summary>The lowercase hex SHA-256 of a file, read once: the one way the tool hashes a file it did not just write.</summary>
    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var file = OpenHashing(path);
        return await file.FinishAsync(cancellationToken);
    }
}
