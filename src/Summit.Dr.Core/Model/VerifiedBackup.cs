
namespace Summit.Dr.Model;

/// <summary>A backup that passed every check; what it holds and what the checks found worth saying.</summary>
public sealed record VerifiedBackup(
    string Directory,
    BackupManifest? Manifest,
    IReadOnlySet<BackupComponent> Components,
    long TotalBytes,
    IReadOnlyList<string> Warnings)
{
    public string Name => System.IO.Path.GetFileName(Directory);

}
