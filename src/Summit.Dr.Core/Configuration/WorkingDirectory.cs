namespace Summit.Dr.Configuration;

/// <summary>The directory relative paths (uploads, backup root, summit-dr.json) are resolved against.</summary>
public sealed record WorkingDirectory(string Path)
{
    public string Resolve(string path) => System.IO.Path.GetFullPath(path, Path);
}
