using Microsoft.Extensions.Options;
using Summit.Dr.Archive.Encryption;
using Summit.Dr.Archive.Remote;
using Summit.Dr.Archive.Trust;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Model;
using Summit.Dr.Operations.Backup;
using Summit.Dr.Progress;

namespace Summit.Dr.Operations.Doctor;

/// <summary>The doctor's look at this machine and the configuration: free disk and write permission in the backup root, keys, the off-site
/// store, every effective setting.</summary>
public sealed class DoctorSettings(
    SettingSources sources, IOptions<SummitDrOptions> options, BackupRoot backupRoot, ArtifactEncryption encryption, ManifestSigner signer,
        BackupTrust trust, RemoteCatalog remote)
{
    private readonly SummitDrOptions _options = options.Value;

    /// <summary>Configured keys must read: a key file that does not would fail the next backup or restore.</summary>
    public void Encryption(List<HealthCheck> checks)
    {
        try
        {
            if (encryption.Describe() is { } record)
            {
                var to = record.Recipients.Select(r => r.UserId is { Length: > 0 } user ? $"{r.Fingerprint} " +
                    $"({user})" : r.Fingerprint).ToList();
                if (record.Passphrase)
                {
                    to.Add("a passphrase");
                }

                checks.Add(new HealthCheck("encryption", true, $"backups are encrypted (OpenPGP, {record.Cipher}) to " +
                    $"{string.Join(", ", to)}"));
            }

            if (encryption.SecretKeyCount() is > 0 and var keys)
            {
                checks.Add(new HealthCheck("decryption keys", true, $"{keys} secret key(s) to open encrypted backups"));
            }
        }
        catch (UsageException ex)
        {
            checks.Add(new HealthCheck("encryption", false, ex.Message));
        }
    }

    /// <summary>The signing key must read and unlock, and the trusted keys must read: a backup or a restore would fail on them.</summary>
    public void Signing(List<HealthCheck> checks)
    {
        try
        {
            if (signer.Describe() is { } fingerprint)
            {
                checks.Add(new HealthCheck("signing", true, $"backups are signed with {fingerprint} (manifest.json.sig)"));
            }

            if (trust.Checks)
            {
                var keys = trust.TrustedKeys.Where(k => k.Key.IsMasterKey).Select(
                    k => k.UserId is { Length: > 0 } user ? $"{k.PrimaryFingerprint} ({user})" : k.PrimaryFingerprint).ToList();
                checks.Add(new HealthCheck("trusted keys", keys.Count > 0, keys.Count > 0
                    ? $"restore, pull, drill and check accept only backups signed by {string.Join(", ", keys)}"
                    : "Signing:TrustedKeyFiles holds no key: every backup would be refused"));
            }

            if (trust.RequiresEncryption)
            {
                checks.Add(new HealthCheck("encryption required", true, "a backup that is not encrypted is refused (Encryption:Required)"));
            }
        }
        catch (UsageException ex)
        {
            checks.Add(new HealthCheck("signing", false, ex.Message));
        }
    }

    /// <summary>The off-site store answers with the configured credentials, and what it holds.</summary>
    public async Task OffSiteAsync(List<HealthCheck> checks, CancellationToken cancellationToken)
    {
        if (!remote.Configured)
        {
            return;
        }

        try
        {
            var entries = await remote.ListAsync(cancellationToken);
            var complete = entries.Count(e => e.State == BackupState.Complete);
            var newest = entries.FirstOrDefault(e => e.State == BackupState.Complete)?.Name ?? "none";
            checks.Add(new HealthCheck("off-site", true, $"{remote.Location} answers: {complete} complete backup(s), newest {newest}; " +
                $"{entries.Count - complete} other"));
        }
        catch (SummitDrException ex)
        {
            checks.Add(new HealthCheck("off-site", false, ex.Message));
        }
    }

    public void DiskAndPermission(List<HealthCheck> checks, BackupEstimate estimate)
    {
        var root = backupRoot.Path;
        var (free, existing) = FreeSpace.Of(root);
        var fits = free >= estimate.Total;
        checks.Add(new HealthCheck("free disk", fits,
            $"{LoggingProgressReporter.FormatBytes(free)} free at {existing}; the next backup is estimated at most " +
                $"{LoggingProgressReporter.FormatBytes(estimate.Total)}" +
            (estimate.Total > 0 ? $" ({estimate.Describe()})" : string.Empty) +
            (fits ? string.Empty : ": a backup would refuse to start (exit 3). Free space, or set Backup:Root elsewhere")));
        try
        {
            var probe = Path.Combine(existing, $".summit-dr-doctor-{Environment.ProcessId}");
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
            checks.Add(new HealthCheck("write permission", true, $"can write in " +
                $"{existing}{(existing == root ? string.Empty : $" (where {root} will be created)")}"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            checks.Add(new HealthCheck("write permission", false, $"cannot write in {existing}: {ex.Message}. Fix the permissions or set " +
                $"Backup:Root"));
        }
    }

    /// <summary>
    /// Every setting, its effective value and where it came from, secrets masked. A Neo4j password left unset is taken
    /// from the container's NEO4J_AUTH (<paramref name="neo4jAuth"/>, where it was found), and shown as such.
    /// </summary>
    public List<ConfigurationEntry> Configuration(string? neo4jAuth = null) =>
        EffectiveSettings.Of(_options).Select(s => (s.Key, s.Value, Source: s.Value is null ? "unset" : sources.SourceOf(s.Key)))
            .Select(s => s.Key == "Neo4j:Password" && s.Value is null && neo4jAuth is not null
                ? (s.Key, Value: "***", Source: neo4jAuth) : s)
            .Select(s => new ConfigurationEntry(
                s.Key, EffectiveSettings.Secrets.Contains(s.Key) && !string.IsNullOrEmpty(s.Value) ? "***" : s.Value, s.Source))
            .ToList();
}
