namespace Summit.Dr.Archive.Remote;

/// <summary>How backups are laid out off-site: PREFIX/NAME/FILE, the manifest written last.</summary>
public static class RemotePaths
{
    /// <summary>The prefix with one trailing slash (empty for the bucket's root).</summary>
    public static string Normalize(string? prefix) =>
        (prefix ?? string.Empty).Trim('/') is { Length: > 0 } trimmed ? trimmed + "/" : string.Empty;

    public static string Key(string name, string file) => name + "/" + file;

    /// <summary>The backup name of a key, or null for a key outside any backup.</summary>
    public static string? NameOf(string key) => key.IndexOf('/', StringComparison.Ordinal) is > 0 and var slash ? key[..slash] : null;
}
