
namespace Summit.Dr.Model;

/// <summary>A backup directory that passed the directory-level checks, before its artifacts are read.</summary>
public sealed record OpenedBackup(
    string Directory, BackupManifest? Manifest, IReadOnlySet<BackupComponent> Present, IReadOnlyList<string> Warnings)
{
    /// <summary>Who made it, as far as its signature tells, and whether it was accepted.</summary>
    public TrustVerdict? Trust { get; init; }

    public string Name => System.IO.Path.GetFileName(Directory.TrimEnd('/'));
}
