using System.Text.Json;
using Microsoft.Extensions.Logging;
using Summit.Dr.Archive.Catalog;
using Summit.Dr.Archive.Manifests;
using Summit.Dr.Archive.Retention;
using Summit.Dr.Archive.Trust;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Engine.Locking;
using Summit.Dr.Model;
using Summit.Dr.Operations.Prune;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr.Archive.Remote;

/// <summary>What is off-site (`list --remote`), and the retention policy applied there (`prune --remote`).</summary>
public sealed class RemoteCatalog(RemoteStores stores, BackupCatalog catalog, OperationLock operationLock, ILogger<RemoteCatalog> logger)
{
    public bool Configured => stores.Configured;

    public string Location => stores.Location;

    /// <summary>
    /// The backups off-site, newest first: complete (the manifest is there and every artifact it names has its
    /// size), corrupt (one is missing or has another size), or incomplete (no manifest: a push did not finish).
    /// </summary>
    public async Task<IReadOnlyList<BackupEntry>> ListAsync(CancellationToken cancellationToken)
    {
        var location = stores.Location;
        var objects = await stores.RunAsync("list", (store, token) => store.ListAsync(string.Empty, token), cancellationToken);
        var entries = new List<BackupEntry>();
        foreach (var group in objects.GroupBy(o => RemotePaths.NameOf(o.Key)).Where(
            g => g.Key is not null && g.Key != WalArchive.DirectoryName))
        {
            var name = group.Key!;
            if (!ArtifactNames.IsSafeBackupName(name))
            {
                // Never pulled, never `latest`: its name could not be a directory of the backup root.
                entries.Add(new BackupEntry(
                    name, location + name, null, group.Sum(o => o.Size), [], BackupState.Corrupt, "its name is not one a backup can have"));
                continue;
            }

            var sizes = group.ToDictionary(o => o.Key[(name.Length + 1)..], o => o.Size, StringComparer.Ordinal);
            var present = Enum.GetValues<BackupComponent>().Where(c => sizes.ContainsKey(BackupLayout.FileOf(c))).ToList();
            var bytes = sizes.Values.Sum();
            if (!sizes.ContainsKey(BackupManifest.FileName))
            {
                entries.Add(new BackupEntry(
                    name, location + name, BackupCatalog.TimeFromName(name), bytes, present, BackupState.Incomplete, "no manifest.json: " +
                        "a push did not finish"));
                continue;
            }

            BackupManifest manifest;
            try
            {
                manifest = ManifestFiles.Parse(await DownloadManifestAsync(name, cancellationToken), name);
            }
            catch (JsonException ex)
            {
                entries.Add(new BackupEntry(
                    name, location + name, BackupCatalog.TimeFromName(name), bytes, present, BackupState.Corrupt, $"manifest.json does " +
                        $"not parse: {ex.Message}"));
                continue;
            }
            catch (IntegrityException ex)
            {
                entries.Add(new BackupEntry(
                    name, location + name, BackupCatalog.TimeFromName(name), bytes, present, BackupState.Corrupt, ex.Message));
                continue;
            }

            entries.Add(BackupCatalog.Judge(
                name, location + name, bytes, present, manifest, file => sizes.TryGetValue(file, out var size) ? size : null));
        }

        return entries.OrderByDescending(e => e.Time ?? DateTimeOffset.MinValue).ThenByDescending(
            e => e.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The local policy and safety gates, applied off-site: a removed backup loses its manifest first, so it is never half there
    /// and complete-looking.</summary>
    public async Task<PruneResult> PruneAsync(
        PrunePolicy policy, bool dryRun, bool force, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        if (!policy.HasRule)
        {
            throw new UsageException("prune needs a policy: at least one of --keep-last, --keep-daily, --keep-weekly, --keep-monthly.");
        }

        var location = stores.Location;
        using var held = operationLock.Acquire(catalog.Root, "prune");
        var entries = await ListAsync(cancellationToken);
        if (!force)
        {
            PruneOperation.Refuse(entries);
        }

        var decisions = PrunePlanner.Plan(entries, policy, zone);
        if (!dryRun)
        {
            foreach (var decision in decisions.Where(d => !d.Keep))
            {
                logger.LogInformation("Removing {Name} from {Location}: {Reason}", decision.Entry.Name, location, decision.Reasons[0]);
                var keys = (await stores.RunAsync(
                    "list " + decision.Entry.Name, (store, token) => store.ListAsync(decision.Entry.Name + "/", token), cancellationToken))
                    .Select(o => o.Key)
                    .OrderBy(k => k.EndsWith("/" + BackupManifest.FileName, StringComparison.Ordinal) ? 0 : 1);
                foreach (var key in keys)
                {
                    await stores.RunAsync("delete " + key, (store, token) => store.DeleteAsync(key, token), cancellationToken);
                }
            }
        }

        return new PruneResult(dryRun, decisions);
    }

    /// <summary>A backup's detached manifest signature off-site, or null when it has none.</summary>
    public async Task<byte[]?> DownloadSignatureAsync(string name, CancellationToken cancellationToken)
    {
        var key = RemotePaths.Key(name, BackupManifest.SignatureFileName);
        if (!(await stores.RunAsync("list " + name, (store, token) => store.ListAsync(name + "/", token), cancellationToken)).Any(
            o => o.Key == key))
        {
            return null;
        }

        return await stores.RunAsync("download " + key, async (store, token) =>
        {
            using var buffer = new MemoryStream();
            await store.DownloadAsync(
                key, new BoundedWriteStream(buffer, BackupTrust.MaxSignatureBytes, () => $"{key} at {store.Location} is larger than any " +
                    $"signature: it was not read."), token);
            return buffer.ToArray();
        }, cancellationToken);
    }

    /// <summary>A backup's manifest off-site, read into memory no further than any manifest summit-dr writes.</summary>
    public Task<byte[]> DownloadManifestAsync(string name, CancellationToken cancellationToken) =>
        stores.RunAsync("download " + RemotePaths.Key(name, BackupManifest.FileName), async (store, token) =>
        {
            using var buffer = new MemoryStream();
            await store.DownloadAsync(
                RemotePaths.Key(name, BackupManifest.FileName),
                new BoundedWriteStream(buffer, BackupManifest.MaxBytes, () => $"manifest.json of {name} at {store.Location} is larger " +
                    $"than any manifest summit-dr writes: it was not read."),
                token);
            return buffer.ToArray();
        }, cancellationToken);
}
