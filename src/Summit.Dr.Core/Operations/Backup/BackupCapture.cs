using Microsoft.Extensions.Logging;
using Summit.Dr.Model;
using Summit.Dr.Steps;
using Summit.Dr.Stores.Neo4j;

namespace Summit.Dr.Operations.Backup;

/// <summary>
/// Captures the stores into a backup's work directory. Neo4j's downtime is what the platform's users feel, so
/// nothing else of the backup runs while it is down: first the PostgreSQL dump and the uploads archive (each
/// checked as it is written), side by side while Neo4j still serves, together with the container the Neo4j
/// dump will run in and the graph's counts; then Neo4j is stopped, dumped and started, alone; then its dump
/// is checked; then the manifest is written and signed (<see cref="BackupSealing"/>).
/// </summary>
public sealed class BackupCapture(
    PostgresCapture postgres, BaseBackupCapture baseBackup, UploadsCapture uploads, Neo4jCapture neo4j, BackupSealing sealing,
        StepRunner steps, ILogger<BackupCapture> logger)
{
    public string ToolVersion => sealing.ToolVersion;

    /// <summary>The manifest of the captured backup, written last into <paramref name="work"/>; null in a dry run.</summary>
    public async Task<BackupManifest?> RunAsync(
        BackupRequest request, BackupSources sources, string name, string work, CancellationToken cancellationToken)
    {
        // A safety backup runs inside a restore: its manifest records its own steps only.
        var first = StepFrame.Current!.Log.Records.Count;
        var target = sources.Neo4j;
        if (target is { Container.Running: false })
        {
            logger.LogWarning("Neo4j container {Container} is not running; dumping it offline and leaving it " +
                "stopped", target.Container.Name);
        }

        var postgresComponent = new PostgresComponent(ComponentStatus.Skipped, sources.Configured.PostgresDatabase);
        var uploadsComponent = new UploadsComponent(ComponentStatus.Skipped, sources.Configured.UploadsPath);
        var neo4jComponent = new Neo4jComponent(ComponentStatus.Skipped, sources.Configured.Neo4jDatabase);
        Neo4jWorkbench? bench = null;
        PostgresBase? physical = null;
        (long? Nodes, long? Relationships) counts = (null, null);
        try
        {
            // The first step to fail cancels the others: the backup is lost anyway.
            await steps.ConcurrentlyAsync(
                [
                    async token => postgresComponent = sources.Postgres is null ? postgresComponent
                        : await postgres.RunAsync(sources, work, token),
                    async token => physical = sources.Postgres is null || !baseBackup.Enabled ? null
                        : await baseBackup.RunAsync(sources.Postgres, work, token),
                    async token => uploadsComponent = sources.UploadsPath is null ? uploadsComponent
                        : await uploads.RunAsync(sources, work, token),
                    async token => bench = target is null ? null
                        : await neo4j.StartWorkbenchAsync(
                            target, work, request.Kind == BackupKind.Safety ? Purposes.Safety : Purposes.Admin, token),
                    async token => counts = target is null ? counts : await neo4j.CountAsync(target, token),
                ],
                cancellationToken);
            if (bench is not null)
            {
                neo4jComponent = await neo4j.DumpAsync(
                    bench, counts, sources.Expected(BackupComponent.Neo4j), work, cancellationToken);
            }
        }
        finally
        {
            if (bench is not null)
            {
                await neo4j.RemoveWorkbenchAsync(bench);
            }
        }

        postgresComponent = physical is null ? postgresComponent : postgresComponent with { Base = physical };
        var recorded = StepFrame.Current!.Log.Records.Skip(first).Where(r => !r.IsNote).ToList();
        return await sealing.SealAsync(
            request, sources, name, work, (postgresComponent, neo4jComponent, uploadsComponent), recorded, cancellationToken);
    }
}
