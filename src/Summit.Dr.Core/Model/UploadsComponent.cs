namespace Summit.Dr.Model;

public sealed record UploadsComponent(
    ComponentStatus Status,
    string Path,
    ArtifactRecord? Artifact = null,
    int? Files = null,
    long? Bytes = null,
    IReadOnlyList<string>? Skipped = null,
    string? TreeSha256 = null);
