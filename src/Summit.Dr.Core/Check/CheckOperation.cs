using Microsoft.Extensions.Options;
using Summit.Dr.Catalog;
using Summit.Dr.Configuration;
using Summit.Dr.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Manifest;
using Summit.Dr.Neo4j;
using Summit.Dr.Restore;

namespace Summit.Dr.Check;

/// <summary>
/// Everything restore verifies before it destroys, with no side effects, plus a full read of every artifact
/// (`pg_restore` over every data block, the whole tar stream, the Neo4j dump). Collects every finding
/// instead of stopping at the first.
/// </summary>
public sealed class CheckOperation
{
    private readonly DockerCli _docker;
    private readonly Neo4jService _neo4j;
    private readonly BackupCatalog _catalog;
    private readonly BackupVerifier _verifier;
    private readonly SummitDrOptions _options;
    private readonly Discovery.PlatformDiscovery _discovery;

    public CheckOperation(DockerCli docker, Neo4jService neo4j, BackupCatalog catalog, BackupVerifier verifier, IOptions<SummitDrOptions> options, Discovery.PlatformDiscovery discovery)
    {
        _discovery = discovery;
        _docker = docker;
        _neo4j = neo4j;
        _catalog = catalog;
        _verifier = verifier;
        _options = options.Value;
    }

    public async Task<CheckResult> RunAsync(string backup, CancellationToken cancellationToken)
    {
        var directory = _catalog.Resolve(backup);
        OpenedBackup opened;
        try
        {
            opened = await _verifier.OpenAsync(directory, cancellationToken);
        }
        catch (IntegrityException ex)
        {
            return new CheckResult(directory, [new CheckFinding(Path.GetFileName(directory), false, ex.Message)]);
        }

        var findings = opened.Warnings.Select(w => new CheckFinding(BackupManifest.FileName, true, "warning: " + w)).ToList();
        // The dumps are read with the platform's own tools: pg_restore in its container, neo4j-admin from its image.
        var postgres = opened.Present.Contains(Backup.BackupComponent.Postgres)
            ? await _docker.RequireRunningAsync(_options.Postgres.Container, "PostgreSQL", "Postgres:Container", "check again", _discovery.HintFor("Postgres:Container"), cancellationToken)
            : null;
        Neo4jTarget? neo4j = null;
        if (opened.Present.Contains(Backup.BackupComponent.Neo4j))
        {
            // Only the image is needed (a one-off container reads the dump); the server may be stopped.
            neo4j = _neo4j.Describe(await _docker.RequireAsync(_options.Neo4j.Container, "Neo4j", "Neo4j:Container", _discovery.HintFor("Neo4j:Container"), cancellationToken));
        }

        foreach (var component in opened.Present)
        {
            var file = Backup.BackupLayout.FileOf(component);
            try
            {
                findings.Add(new CheckFinding(file, true, await _verifier.CheckArtifactAsync(opened, component, postgres, neo4j, fullRead: true, cancellationToken)));
            }
            catch (IntegrityException ex)
            {
                findings.Add(new CheckFinding(file, false, ex.Message));
            }
        }

        return new CheckResult(directory, findings);
    }
}
