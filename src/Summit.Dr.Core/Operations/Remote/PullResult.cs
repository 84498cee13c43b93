using Summit.Dr.Model;

namespace Summit.Dr.Operations.Remote;

/// <summary>A backup pulled into the backup root, and what its signature proved before anything was downloaded.</summary>
public sealed record PullResult(string Directory, TrustVerdict Trust);
