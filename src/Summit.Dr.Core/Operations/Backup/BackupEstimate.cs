using Summit.Dr.Progress;
using Summit.Dr.Stores.Uploads;

namespace Summit.Dr.Operations.Backup;

/// <summary>
/// How large the next backup can get, store by store: the database's size, the Neo4j store's size on disk
/// and the uploads' bytes (plus a tar header per file). The dumps are compressed, so this is an upper bound.
/// Null where a store is not part of the backup or could not be measured.
/// </summary>
public sealed record BackupEstimate(long? PostgresBytes, long? Neo4jBytes, long? UploadsBytes, int UploadFiles)
{
    public long Total => (PostgresBytes ?? 0) + (Neo4jBytes ?? 0) + (UploadsArchiveBytes ?? 0);

    /// <summary>The most the uploads archive can take: the bytes and a tar header and padding per file (gzip cannot shrink random
    /// data).</summary>
    public long? UploadsArchiveBytes => UploadsBytes is { } u ? u + (UploadFiles * UploadsTree.TarBytesPerFile) : null;

    /// <summary>"PostgreSQL 12.0 MiB, Neo4j 135.0 MiB, uploads 100.0 MiB", for messages.</summary>
    public string Describe() => string.Join(", ", new[]
    {
        PostgresBytes is { } p ? $"PostgreSQL {LoggingProgressReporter.FormatBytes(p)}" : null,
        Neo4jBytes is { } n ? $"Neo4j {LoggingProgressReporter.FormatBytes(n)}" : null,
        UploadsBytes is { } u ? $"uploads {LoggingProgressReporter.FormatBytes(u)}" : null,
    }.OfType<string>());
}
