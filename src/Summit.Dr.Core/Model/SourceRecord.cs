namespace Summit.Dr.Model;

/// <summary>Where an artifact came from.</summary>
public sealed record SourceRecord(string Container, string Image, string? ServerVersion = null);
