namespace Summit.Dr;

/// <summary>How the tool opens artifacts: streamed with a large buffer, never read whole into memory.</summary>
public static class ArtifactFiles
{
    public static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, useAsync: true);
}
