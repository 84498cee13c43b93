using System.Text.Json;
using Microsoft.Extensions.Logging;
using Summit.Dr.Backup;
using Summit.Dr.Catalog;
using Summit.Dr.Errors;
using Summit.Dr.Locking;
using Summit.Dr.Manifest;
using Summit.Dr.Prune;

namespace Summit.Dr.Remote;

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
        foreach (var group in objects.GroupBy(o => RemotePaths.NameOf(o.Key)).Where(g => g.Key is not null))
        {
            var name = group.Key!;
            var sizes = group.ToDictionary(o => o.Key[(name.Length + 1)..], o => o.Size, StringComparer.Ordinal);
            var present = Enum.GetValues<BackupComponent>().Where(c => sizes.ContainsKey(BackupLayout.FileOf(c))).ToList();
            var bytes = sizes.Values.Sum();
            if (!sizes.ContainsKey(BackupManifest.FileName))
            {
                entries.Add(new BackupEntry(name, location + name, BackupCatalog.TimeFromName(name), bytes, present, BackupState.Incomplete, "no manifest.json: a push did not finish"));
                continue;
            }

            BackupManifest manifest;
            try
            {
                using var buffer = new MemoryStream();
                await stores.RunAsync("download " + name, (store, token) => store.DownloadAsync(RemotePaths.Key(name, BackupManifest.FileName), Reset(buffer), token), cancellationToken);
                manifest = JsonSerializer.Deserialize<BackupManifest>(buffer.ToArray(), JsonDefaults.Options) ?? throw new JsonException("empty manifest");
            }
            catch (JsonException ex)
            {
                entries.Add(new BackupEntry(name, location + name, BackupCatalog.TimeFromName(name), bytes, present, BackupState.Corrupt, $"manifest.json does not parse: {ex.Message}"));
                continue;
            }

            entries.Add(BackupCatalog.Judge(name, location + name, bytes, present, manifest, file => sizes.TryGetValue(file, out var size) ? size : null));
        }

        return entries.OrderByDescending(e => e.Time ?? DateTimeOffset.MinValue).ThenByDescending(e => e.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The local policy and safety gates, applied off-site: a removed backup loses its manifest first, so it is never half there and complete-looking.</summary>
    public async Task<PruneResult> PruneAsync(PrunePolicy policy, bool dryRun, bool force, TimeZoneInfo zone, CancellationToken cancellationToken)
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
                var keys = (await stores.RunAsync("list " + decision.Entry.Name, (store, token) => store.ListAsync(decision.Entry.Name + "/", token), cancellationToken))
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

    private static MemoryStream Reset(MemoryStream buffer)
    {
        buffer.SetLength(0);
        return buffer;
    }
}
