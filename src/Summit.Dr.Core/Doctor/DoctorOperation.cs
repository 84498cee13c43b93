using System.Globalization;
using Microsoft.Extensions.Options;
using Summit.Dr.Backup;
using Summit.Dr.Configuration;
using Summit.Dr.Discovery;
using Summit.Dr.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Health;
using Summit.Dr.Neo4j;
using Summit.Dr.Processes;
using Summit.Dr.Uploads;

namespace Summit.Dr.Doctor;

/// <summary>
/// Can a backup and a restore run here right now? The docker CLI and daemon, each container (and how it was
/// found), Neo4j's version and admin syntax, free disk against an estimate of the next backup, write
/// permission in the backup root, and the effective configuration. Every check runs, whatever fails first.
/// </summary>
public sealed class DoctorOperation
{
    private static readonly string[] SecretKeys = ["Postgres:Password", "Neo4j:Password"];

    private readonly DockerCli _docker;
    private readonly PlatformDiscovery _discovery;
    private readonly Neo4jService _neo4j;
    private readonly Postgres.PostgresService _postgres;
    private readonly SettingSources _sources;
    private readonly SummitDrOptions _options;
    private readonly WorkingDirectory _workingDirectory;
    private readonly Encryption.ArtifactEncryption _encryption;
    private readonly Remote.RemoteBackups _remote;

    public DoctorOperation(
        DockerCli docker, PlatformDiscovery discovery, Neo4jService neo4j, Postgres.PostgresService postgres, SettingSources sources, IOptions<SummitDrOptions> options, WorkingDirectory workingDirectory,
        Encryption.ArtifactEncryption encryption, Remote.RemoteBackups remote)
    {
        _docker = docker;
        _postgres = postgres;
        _discovery = discovery;
        _neo4j = neo4j;
        _sources = sources;
        _options = options.Value;
        _workingDirectory = workingDirectory;
        _encryption = encryption;
        _remote = remote;
    }

    public async Task<DoctorReport> RunAsync(CancellationToken cancellationToken)
    {
        var checks = new List<HealthCheck>();
        long? postgresBytes = null;
        long? neo4jBytes = null;
        if (await DockerReadyAsync(checks, cancellationToken))
        {
            try
            {
                await _discovery.ApplyAsync(cancellationToken);
            }
            catch (PreconditionException ex)
            {
                checks.Add(new HealthCheck("discovery", false, ex.Message));
            }

            postgresBytes = await PostgresAsync(checks, cancellationToken);
            neo4jBytes = await Neo4jAsync(checks, cancellationToken);
        }

        var uploads = _workingDirectory.Resolve(_options.Uploads.Path);
        var tree = UploadsTree.Measure(uploads);
        checks.Add(new HealthCheck("uploads", true, Directory.Exists(uploads)
            ? $"{uploads}: {tree.Files} files, {Progress.LoggingProgressReporter.FormatBytes(tree.Bytes)}"
            : $"{uploads} does not exist (a backup warns and goes on without it)"));
        DiskAndPermission(checks, new BackupEstimate(postgresBytes, neo4jBytes, tree.Bytes, tree.Files));
        Encryption(checks);
        await OffSiteAsync(checks, cancellationToken);
        return new DoctorReport(checks, Configuration());
    }

    /// <summary>Configured keys must read: a key file that does not would fail the next backup or restore.</summary>
    private void Encryption(List<HealthCheck> checks)
    {
        try
        {
            if (_encryption.Describe() is { } record)
            {
                var to = record.Recipients.Select(r => r.UserId is { Length: > 0 } user ? $"{r.Fingerprint} ({user})" : r.Fingerprint).ToList();
                if (record.Passphrase)
                {
                    to.Add("a passphrase");
                }

                checks.Add(new HealthCheck("encryption", true, $"backups are encrypted (OpenPGP, {record.Cipher}) to {string.Join(", ", to)}"));
            }

            if (_encryption.SecretKeyCount() is > 0 and var keys)
            {
                checks.Add(new HealthCheck("decryption keys", true, $"{keys} secret key(s) to open encrypted backups"));
            }
        }
        catch (UsageException ex)
        {
            checks.Add(new HealthCheck("encryption", false, ex.Message));
        }
    }

    /// <summary>The off-site store answers with the configured credentials, and what it holds.</summary>
    private async Task OffSiteAsync(List<HealthCheck> checks, CancellationToken cancellationToken)
    {
        if (!_remote.Configured)
        {
            return;
        }

        try
        {
            var entries = await _remote.ListAsync(cancellationToken);
            var complete = entries.Count(e => e.State == Catalog.BackupState.Complete);
            var newest = entries.FirstOrDefault(e => e.State == Catalog.BackupState.Complete)?.Name ?? "none";
            checks.Add(new HealthCheck("off-site", true, $"{_remote.Location} answers: {complete} complete backup(s), newest {newest}; {entries.Count - complete} other"));
        }
        catch (SummitDrException ex)
        {
            checks.Add(new HealthCheck("off-site", false, ex.Message));
        }
    }

    private async Task<bool> DockerReadyAsync(List<HealthCheck> checks, CancellationToken cancellationToken)
    {
        ProcessResult version;
        try
        {
            version = await _docker.RunAsync(_docker.Spec(["--version"]), cancellationToken);
        }
        catch (PreconditionException ex)
        {
            checks.Add(new HealthCheck("docker cli", false, ex.Message));
            return false;
        }

        checks.Add(new HealthCheck("docker cli", version.Succeeded, version.Succeeded ? $"{_docker.Executable}: {version.StandardOutput.Trim()}" : version.ErrorSummary));
        try
        {
            var info = await _docker.RunAsync(_docker.Spec(["info", "--format", "{{.ServerVersion}}"]), cancellationToken);
            checks.Add(new HealthCheck("docker daemon", info.Succeeded, info.Succeeded ? $"reachable, server {info.StandardOutput.Trim()}" : $"{info.ErrorSummary}: start the Docker engine"));
            return info.Succeeded;
        }
        catch (PreconditionException ex)
        {
            checks.Add(new HealthCheck("docker daemon", false, ex.Message));
            return false;
        }
    }

    private async Task<long?> PostgresAsync(List<HealthCheck> checks, CancellationToken cancellationToken)
    {
        var name = _options.Postgres.Container;
        var container = await _docker.InspectAsync(name, cancellationToken);
        checks.Add(ContainerCheck("postgres container", name, "Postgres:Container", container));
        if (container is not { Running: true })
        {
            return null;
        }

        try
        {
            var facts = await _postgres.CollectFactsAsync(name, cancellationToken);
            checks.Add(new HealthCheck("postgres database", true,
                $"{_options.Postgres.Database} as {_options.Postgres.User}: {Progress.LoggingProgressReporter.FormatBytes(facts.DatabaseBytes)}, {facts.TableCount} tables"));
            return facts.DatabaseBytes;
        }
        catch (OperationFailedException ex)
        {
            checks.Add(new HealthCheck("postgres database", false, ex.Message));
            return null;
        }
    }

    private async Task<long?> Neo4jAsync(List<HealthCheck> checks, CancellationToken cancellationToken)
    {
        var name = _options.Neo4j.Container;
        var container = await _docker.InspectAsync(name, cancellationToken);
        checks.Add(ContainerCheck("neo4j container", name, "Neo4j:Container", container));
        if (container is null)
        {
            return null;
        }

        var target = _neo4j.Describe(container);
        checks.Add(new HealthCheck("neo4j version", true,
            $"{target.Version ?? "unknown (5.x assumed)"}; neo4j-admin {(target.Syntax == Neo4jAdminSyntax.V5 ? "5.x `database dump|load`" : "4.4 `dump|load`")} syntax; " +
            $"credentials {(target.Credentials.Password is null ? "unknown: node counts are skipped" : "known")}"));
        return await _neo4j.StoreSizeAsync(target, cancellationToken);
    }

    /// <summary>How the container was chosen (configured, a compose service, the default name), and what to do when it is missing.</summary>
    private HealthCheck ContainerCheck(string check, string name, string key, ContainerInfo? container)
    {
        var choice = _discovery.ChoiceFor(key);
        var how = choice?.Reason ?? "configured name";
        var neo4j = check.StartsWith("neo4j", StringComparison.Ordinal);
        return container switch
        {
            null => new HealthCheck(check, false, $"'{name}' not found ({how}). " +
                (choice?.Hint ?? $"List containers with `docker ps -a` and set {key}")),
            { Running: false } => new HealthCheck(check, neo4j, $"'{name}' ({how}), {container.Image}, {container.Status}" +
                (neo4j ? " (a stopped Neo4j is dumped offline)" : $": start it with `docker start {name}`")),
            _ => new HealthCheck(check, true, $"'{name}' ({how}), {container.Image}, running"),
        };
    }

    private void DiskAndPermission(List<HealthCheck> checks, BackupEstimate estimate)
    {
        var root = _workingDirectory.Resolve(_options.Backup.Root);
        var (free, existing) = FreeSpace.Of(root);
        var fits = free >= estimate.Total;
        checks.Add(new HealthCheck("free disk", fits,
            $"{Progress.LoggingProgressReporter.FormatBytes(free)} free at {existing}; the next backup is estimated at most {Progress.LoggingProgressReporter.FormatBytes(estimate.Total)}" +
            (estimate.Total > 0 ? $" ({estimate.Describe()})" : string.Empty) +
            (fits ? string.Empty : ": a backup would refuse to start (exit 3). Free space, or set Backup:Root elsewhere")));
        try
        {
            var probe = Path.Combine(existing, $".summit-dr-doctor-{Environment.ProcessId}");
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
            checks.Add(new HealthCheck("write permission", true, $"can write in {existing}{(existing == root ? string.Empty : $" (where {root} will be created)")}"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            checks.Add(new HealthCheck("write permission", false, $"cannot write in {existing}: {ex.Message}. Fix the permissions or set Backup:Root"));
        }
    }

    private List<ConfigurationEntry> Configuration()
    {
        var values = new Dictionary<string, string?>
        {
            ["Docker:Path"] = _options.Docker.Path,
            ["Postgres:Container"] = _options.Postgres.Container,
            ["Postgres:Database"] = _options.Postgres.Database,
            ["Postgres:User"] = _options.Postgres.User,
            ["Postgres:Password"] = _options.Postgres.Password,
            ["Neo4j:Container"] = _options.Neo4j.Container,
            ["Neo4j:Database"] = _options.Neo4j.Database,
            ["Neo4j:User"] = _options.Neo4j.User,
            ["Neo4j:Password"] = _options.Neo4j.Password,
            ["Neo4j:StopTimeoutSeconds"] = _options.Neo4j.StopTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            ["Neo4j:StartTimeoutSeconds"] = _options.Neo4j.StartTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            ["Neo4j:AdminSyntax"] = _options.Neo4j.AdminSyntax,
            ["Neo4j:DumpTransfer"] = _options.Neo4j.DumpTransfer,
            ["Uploads:Path"] = _options.Uploads.Path,
            ["Backup:Root"] = _options.Backup.Root,
            ["Encryption:PublicKeyFiles"] = _options.Encryption.PublicKeyFiles,
            ["Encryption:PassphraseFile"] = _options.Encryption.PassphraseFile,
            ["Encryption:SecretKeyFiles"] = _options.Encryption.SecretKeyFiles,
            ["Remote:Kind"] = _options.Remote.Kind,
            ["Remote:Bucket"] = _options.Remote.Bucket,
            ["Remote:Container"] = _options.Remote.Container,
            ["Remote:Prefix"] = _options.Remote.Prefix,
            ["Remote:Endpoint"] = _options.Remote.Endpoint,
        };
        return values.Select(v => new ConfigurationEntry(
            v.Key,
            SecretKeys.Contains(v.Key) && !string.IsNullOrEmpty(v.Value) ? "***" : v.Value,
            v.Value is null ? "unset" : _sources.SourceOf(v.Key))).ToList();
    }
}
