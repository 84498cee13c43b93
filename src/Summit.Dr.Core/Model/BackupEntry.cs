
namespace Summit.Dr.Model;

/// <summary>One directory of the backup root, as `list` shows it.</summary>
/// <param name="Components">The stores the backup holds (the artifacts present in it).</param>
public sealed record BackupEntry(
    string Name,
    string Directory,
    DateTimeOffset? Time,
    long Bytes,
    IReadOnlyList<BackupComponent> Components,
    BackupState State,
    string? Problem)
{
    /// <summary>Each held store's artifact size, so backups can be compared store by store.</summary>
    public IReadOnlyDictionary<BackupComponent, long> ArtifactBytes { get; init; } = new Dictionary<BackupComponent, long>();
}
