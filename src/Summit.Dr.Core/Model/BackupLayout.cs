namespace Summit.Dr.Model;

/// <summary>Names inside the backup root (DESIGN.md "Backup layout").</summary>
public static class BackupLayout
{
    public const string PostgresFile = "postgres.dump";

    /// <summary>The physical base backup beside the dump, when point-in-time recovery is on.</summary>
    public const string PostgresBaseFile = "postgres.base.tar.gz";
    public const string Neo4jFile = "neo4j.dump";
    public const string UploadsFile = "uploads.tar.gz";
    public const string LogFile = "summit-dr.log";
    public const string IncompletePrefix = ".incomplete-";
    public const string FailedLogPrefix = ".failed-";
    public const string SafetySuffix = "-safety";

    /// <summary>The artifact file that holds a component.</summary>
    public static string FileOf(BackupComponent component) => component switch
    {
        BackupComponent.Postgres => PostgresFile,
        BackupComponent.Neo4j => Neo4jFile,
        _ => UploadsFile,
    };

    /// <summary>The continuous WAL archive's directory in the backup root (point-in-time recovery): not a backup.</summary>
    public const string WalDirectory = "wal";

    /// <summary>Local time, as the runbook names its directories.</summary>
    public static string NameFor(DateTimeOffset localTime) =>
        localTime.ToString("yyyyMMdd_HHmmss", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A name not yet taken by a finished or unfinished backup in the root.</summary>
    public static string UniqueName(string root, DateTimeOffset localTime, string suffix = "")
    {
        var baseName = NameFor(localTime) + suffix;
        var name = baseName;
        for (var n = 2; Directory.Exists(Path.Combine(root, name)) || Directory.Exists(Path.Combine(root, IncompletePrefix + name)); n++)
        {
            name = $"{baseName}_{n}";
        }

        return name;
    }
}
