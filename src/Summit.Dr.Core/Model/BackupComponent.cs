namespace Summit.Dr.Model;

/// <summary>The three stores of the platform's critical state.</summary>
public enum BackupComponent
{
    Postgres,
    Neo4j,
    Uploads,
}
