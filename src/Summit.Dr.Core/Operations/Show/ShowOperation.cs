using Summit.Dr.Archive.Catalog;
using Summit.Dr.Archive.Manifests;
using Summit.Dr.Archive.Trust;
using Summit.Dr.Model;

namespace Summit.Dr.Operations.Show;

/// <summary>One backup as a person asks about it in an incident: its manifest read once, its signature judged, its last drill.</summary>
/// <param name="Manifest">Null for a backup the runbook's scripts made (no manifest), or one whose manifest cannot be read
/// (<see cref="BackupEntry.Problem"/> says why).</param>
/// <param name="Trust">What a restore would make of its signature and encryption; null without a manifest.</param>
public sealed record BackupShown(BackupEntry Entry, BackupManifest? Manifest, TrustVerdict? Trust, DrillRecord? LastDrill);

/// <summary>`show`: reads one backup and says what it holds. Runs no docker command and changes nothing.</summary>
public sealed class ShowOperation(BackupCatalog catalog, BackupTrust trust)
{
    public BackupShown Run(string backup)
    {
        var directory = catalog.Resolve(backup);
        var entry = BackupCatalog.Entry(directory);
        BackupManifest? manifest = null;
        TrustVerdict? verdict = null;
        if (entry.State is not (BackupState.Legacy or BackupState.Incomplete))
        {
            try
            {
                // The verdict is given on the very bytes that are shown.
                var bytes = ManifestFiles.ReadBytes(directory);
                manifest = ManifestFiles.Parse(bytes, entry.Name);
                verdict = trust.Judge(directory, manifest, bytes);
            }
            catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or Errors.SummitDrException)
            {
                entry = entry with { Problem = entry.Problem ?? ex.Message };
            }
        }

        return new BackupShown(entry, manifest, verdict, DrillRecord.Read(directory));
    }
}
