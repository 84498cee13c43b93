using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Summit.Dr.Archive;
using Summit.Dr.Archive.Catalog;
using Summit.Dr.Archive.Encryption;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Restore;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr.Operations.Drill;

/// <summary>What a drill settles before it starts anything, and what it leaves in the backup's directory afterwards.</summary>
public sealed class DrillSetup(
    DockerCli docker, RestoreSource source, BackupOpener opener, ArtifactEncryption encryption, IOptions<SummitDrOptions> options,
        ToolInfo tool, ILogger<DrillSetup> logger)
{
    /// <summary>
    /// The backup, opened, with the keys to read it; for a drill to a point in time (<paramref name="to"/>), the
    /// plan of PostgreSQL's recovery and the newest backup at or before it for the other stores.
    /// </summary>
    public async Task<(OpenedBackup Opened, RecoveryPlan? Plan)> OpenAsync(
        string backup, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var (directory, plan, notes) = await source.ResolveAsync(
            new RestoreRequest(backup, BackupComponents.All, false, true, false, false) { To = to, HoldsLock = false }, cancellationToken);
        var opened = await opener.OpenAsync(directory, notes, cancellationToken);
        encryption.RequireKeys(opened);
        return (opened, plan);
    }

    /// <summary>Everything one drill creates, named by <paramref name="id"/>.</summary>
    public DrillScratch Scratch(string id) => new(docker, id, logger);

    /// <summary>
    /// The live containers' images; when a container is gone, the image the configuration names (Drill:*Image). Never
    /// the image a manifest names: a manifest is a backup's word, and the drill would run whatever it says.
    /// </summary>
    public async Task<(string? Postgres, string? Neo4j)> ImagesAsync(
        OpenedBackup opened, List<string> described, CancellationToken cancellationToken)
    {
        async Task<string?> Image(
            BackupComponent component, string what, string container, SourceRecord? recorded, string? configured, string key)
        {
            if (!opened.Present.Contains(component))
            {
                return null;
            }

            if (await docker.InspectAsync(container, cancellationToken) is { } live)
            {
                described.Add($"{what}: image {live.Image} of the live container '{container}'");
                return live.Image;
            }

            var (image, source) = configured is { Length: > 0 } ? (configured, $"the configuration ({key})") : (null, null);
            if (image is null)
            {
                var hint = recorded?.Image is { Length: > 0 } made ? $" (the backup was made with {made})" : string.Empty;
                throw new PreconditionException($"{what} container '{container}' does not exist: set {key} to the image to drill " +
                    $"with{hint}; a drill never takes the image a manifest names.");
            }

            logger.LogWarning("{What} container '{Container}' does not exist; drilling with image {Image} from " +
                "{Source}", what, container, image, source);
            described.Add($"{what}: image {image} from {source} (no live container '{container}')");
            return image;
        }

        var manifest = opened.Manifest;
        var settings = options.Value;
        return (
            await Image(BackupComponent.Postgres, "PostgreSQL", settings.Postgres.Container, manifest?.Postgres.Source,
                settings.Drill.PostgresImage, "Drill:PostgresImage"),
            await Image(BackupComponent.Neo4j, "Neo4j", settings.Neo4j.Container, manifest?.Neo4j.Source, settings.Drill.Neo4jImage,
                "Drill:Neo4jImage"));
    }

    /// <summary>The drill's outcome in the backup's `drill.json`, for `list`; a directory it cannot write to is a warning.</summary>
    public void Record(string directory, string result, TimeSpan total, string? failure, DateTimeOffset at)
    {
        try
        {
            new DrillRecord(
                1, at, tool.Version, result, Math.Round(total.TotalSeconds, 3), options.Value.Objectives.RtoMinutes * 60,
                failure).Write(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not record the drill in {Directory}: {Error}", directory, ex.Message);
        }
    }

    public static string NewId(DateTimeOffset localNow) =>
        localNow.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(
            Guid.NewGuid().ToByteArray().AsSpan(0, 3));
}
