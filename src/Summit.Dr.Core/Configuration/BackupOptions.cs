namespace Summit.Dr.Configuration;

public sealed class BackupOptions
{
    /// <summary>Relative to the working directory unless absolute.</summary>
    public string Root { get; set; } = "backups";
}
