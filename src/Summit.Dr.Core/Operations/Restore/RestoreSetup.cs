using Microsoft.Extensions.Options;
using Summit.Dr.Archive;
using Summit.Dr.Archive.Encryption;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Confirmation;
using Summit.Dr.Operations.Kept;
using Summit.Dr.Steps;
using Summit.Dr.Stores;
using Summit.Dr.Stores.Postgres;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr.Operations.Restore;

/// <summary>
/// What a restore settles before it prepares anything: the backup, the live containers, the stores it takes
/// from the backup, and the names the replaced state will be kept under.
/// </summary>
public sealed class RestoreSetup(
    RestoreSource source, BackupOpener opener, PlatformContainers containers, ArtifactEncryption encryption,
        IOptions<SummitDrOptions> options, PlatformPaths paths, TimeProvider time)
{
    public Task<(string Directory, RecoveryPlan? Plan, IReadOnlyList<string> Notes)> ResolveAsync(
        RestoreRequest request, CancellationToken cancellationToken) => source.ResolveAsync(request, cancellationToken);

    public IDisposable Lock() => source.Lock();

    public Task<IAsyncDisposable> HoldPlatformAsync(RestoreTargets targets, CancellationToken cancellationToken) =>
        source.HoldPlatformAsync(targets, cancellationToken);

    /// <summary>The live containers (a read-only step), the backup opened, the stores selected, the kept names planned.</summary>
    public async Task<RestoreStart> OpenAsync(
        RestoreRequest request, string directory, IReadOnlyList<string> notes, StepRunner steps, CancellationToken cancellationToken)
    {
        var targets = await steps.AskAsync("check targets", async (_, token) =>
        {
            // One after the other: a step's commands are recorded in the order they run.
            var postgres = request.Components.Contains(BackupComponent.Postgres) ? await containers.PostgresAsync("restore again", token)
                : null;
            var neo4j = request.Components.Contains(BackupComponent.Neo4j) ? await containers.Neo4jAsync(token) : null;
            return new RestoreTargets(postgres, neo4j);
        }, cancellationToken);
        var opened = await opener.OpenAsync(directory, notes, cancellationToken);
        // An encrypted backup opens with the configured keys, or the restore stops here (exit 4, nothing touched).
        encryption.RequireKeys(opened);
        var (components, warnings) = Select(opened, request);
        return new RestoreStart(opened, components, warnings, targets, Plan(directory, components, targets, request.To is not null));
    }

    /// <summary>What the operator confirms.</summary>
    public ConfirmationRequest Confirmation(VerifiedBackup verified, bool safetyBackup)
    {
        var targets = RestoreOutcomes.Order.Where(verified.Components.Contains).Select(component => component switch
        {
            BackupComponent.Postgres =>
                new ConfirmationTarget(component, options.Value.Postgres.Database, options.Value.Postgres.Container),
            BackupComponent.Neo4j => new ConfirmationTarget(component, options.Value.Neo4j.Database, options.Value.Neo4j.Container),
            _ => new ConfirmationTarget(component, paths.Uploads, null),
        }).ToList();
        var word = verified.Components.Contains(BackupComponent.Postgres) ? options.Value.Postgres.Database : verified.Name;
        return new ConfirmationRequest(
            ConfirmationKind.Restore, verified.Name, verified.Manifest?.CreatedAt, verified.TotalBytes, targets, safetyBackup, word);
    }

    /// <summary>The stores to restore: those asked for that the backup holds; one asked for by name that it lacks is refused.</summary>
    private static (IReadOnlySet<BackupComponent> Components, List<string> Warnings) Select(OpenedBackup opened, RestoreRequest request)
    {
        var missing = request.Components.Where(c => !opened.Present.Contains(c)).ToList();
        if (request.ExplicitSelection && missing.Count > 0)
        {
            throw new IntegrityException($"{opened.Name} has no {string.Join(", ", missing.Select(BackupLayout.FileOf))}; it cannot " +
                $"restore {string.Join(", ", missing).ToLowerInvariant()}.");
        }

        var warnings = opened.Warnings.ToList();
        foreach (var component in missing)
        {
            warnings.Add($"{opened.Name} has no {BackupLayout.FileOf(component)}; the current {component.ToString().ToLowerInvariant()} " +
                $"data is left as it is.");
        }

        return (RestoreOutcomes.Order.Where(c => request.Components.Contains(c) && opened.Present.Contains(c)).ToHashSet(), warnings);
    }

    /// <summary>The names everything will be kept under; unique, so the state kept by the last restore is not touched until this one
    /// succeeds.</summary>
    private KeptState Plan(string directory, IReadOnlySet<BackupComponent> components, RestoreTargets targets, bool pointInTime)
    {
        var taken = source.KeptIds();
        var id = BackupLayout.NameFor(time.GetLocalNow());
        for (var n = 2; taken.Contains(id); n++)
        {
            id = $"{BackupLayout.NameFor(time.GetLocalNow())}_{n}";
        }

        var database = options.Value.Postgres.Database;
        var uploads = paths.Uploads;
        return new KeptState(
            id,
            directory,
            time.GetUtcNow(),
            ProcessIdentity.Current(),
            Complete: false,
            components.Contains(BackupComponent.Postgres) && !pointInTime
                ? new KeptPostgres(
                    targets.Postgres!.Name, database, KeptStores.DatabaseName(database, "kept", id),
                    KeptStores.DatabaseName(database, "in", id), Existed: true, Swapped: false)
                : null,
            components.Contains(BackupComponent.Neo4j)
                ? new KeptNeo4j(targets.Neo4j!.Container.Name, targets.Neo4j.Database, KeptStores.Neo4jKept(id), Moved: false) : null,
            components.Contains(BackupComponent.Uploads)
                ? new KeptUploads(uploads, KeptStores.UploadsKept(uploads, id), Existed: true, Swapped: false) : null,
            components.Contains(BackupComponent.Postgres) && pointInTime
                ? new KeptPostgresData(
                    targets.Postgres!.Name, targets.Postgres.Image, PostgresWorkbench.DataDirectoryOf(targets.Postgres),
                    PostgresDataMoves.VolumeFor(id), Moved: false)
                : null);
    }
}

/// <summary>What a restore settled before preparing anything.</summary>
public sealed record RestoreStart(
    OpenedBackup Opened, IReadOnlySet<BackupComponent> Components, IReadOnlyList<string> Warnings, RestoreTargets Targets, KeptState State);
