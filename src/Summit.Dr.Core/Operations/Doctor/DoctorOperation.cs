using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Model;
using Summit.Dr.Operations.Backup;
using Summit.Dr.Progress;
using Summit.Dr.Stores.Uploads;


namespace Summit.Dr.Operations.Doctor;

/// <summary>
/// Can a backup and a restore run here right now? The docker CLI and daemon, each container (and how it was
/// found), Neo4j's version and admin syntax, free disk against an estimate of the next backup, write
/// permission in the backup root, and the effective configuration. Every check runs, whatever fails first.
/// </summary>
public sealed class DoctorOperation(
    DoctorPlatform platform, DoctorSettings settings, DoctorPitr pitr, PlatformPaths paths, IOptions<SummitDrOptions> options)
{
    public async Task<DoctorReport> RunAsync(CancellationToken cancellationToken)
    {
        var checks = new List<HealthCheck>();
        var (postgresBytes, neo4jBytes, neo4jAuth) = await platform.CheckAsync(checks, cancellationToken);
        var uploads = paths.Uploads;
        var tree = UploadsTree.Measure(uploads);
        var optional = options.Value.Uploads.Optional;
        checks.Add(new HealthCheck("uploads", Directory.Exists(uploads) || optional, Directory.Exists(uploads)
            ? $"{uploads}: {tree.Files} files, {LoggingProgressReporter.FormatBytes(tree.Bytes)}"
            : optional ? $"{uploads} does not exist (Uploads:Optional: a backup goes on without it)"
            : $"{uploads} does not exist: a backup would fail. Run from the platform's directory, set Uploads:Path, or set " +
                "Uploads:Optional=true"));
        settings.DiskAndPermission(checks, new BackupEstimate(postgresBytes, neo4jBytes, tree.Bytes, tree.Files));
        settings.Encryption(checks);
        settings.Signing(checks);
        await settings.OffSiteAsync(checks, cancellationToken);
        await pitr.CheckAsync(checks, cancellationToken);
        return new DoctorReport(checks, settings.Configuration(neo4jAuth));
    }
}
