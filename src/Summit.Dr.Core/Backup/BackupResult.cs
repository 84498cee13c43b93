using Summit.Dr.Manifest;

namespace Summit.Dr.Backup;

/// <summary>A finished, verified backup.</summary>
public sealed record BackupResult(string Directory, BackupManifest Manifest, TimeSpan Duration);
