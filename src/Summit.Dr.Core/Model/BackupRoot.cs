namespace Summit.Dr.Model;

/// <summary>
/// The backup root of a run: the directory its backups, its lock, the stop journal, the kept state and the WAL
/// archive live in. Resolved once (Backup:Root against the platform's directory, or `backup --output`) and
/// injected; nothing resolves it again, and what lives in it is named by the part of the tool that keeps it.
/// </summary>
public sealed record BackupRoot(string Path)
{
    /// <summary>A file or directory directly in the root.</summary>
    public string Of(string name) => System.IO.Path.Combine(Path, name);

    public override string ToString() => Path;
}
