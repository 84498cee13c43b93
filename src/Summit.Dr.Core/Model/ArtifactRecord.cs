namespace Summit.Dr.Model;

/// <summary>One file of a backup, as written and verified.</summary>
public sealed record ArtifactRecord(string File, long Size, string Sha256, DateTimeOffset StartedAt, DateTimeOffset FinishedAt);
