using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Summit.Dr.Archive;
using Summit.Dr.Archive.Catalog;
using Summit.Dr.Archive.Encryption;
using Summit.Dr.Archive.Remote;
using Summit.Dr.Archive.Trust;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Discovery;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Engine.Locking;
using Summit.Dr.Logging;
using Summit.Dr.Model;
using Summit.Dr.Operations.Backup;
using Summit.Dr.Operations.Check;
using Summit.Dr.Operations.Confirmation;
using Summit.Dr.Operations.Doctor;
using Summit.Dr.Operations.Drill;
using Summit.Dr.Operations.Extract;
using Summit.Dr.Operations.Kept;
using Summit.Dr.Operations.List;
using Summit.Dr.Operations.Status;
using Summit.Dr.Operations.Prune;
using Summit.Dr.Operations.Recovery;
using Summit.Dr.Operations.Remote;
using Summit.Dr.Operations.Restore;
using Summit.Dr.Operations.Show;
using Summit.Dr.Operations.Undo;
using Summit.Dr.Operations.Verify;
using Summit.Dr.Operations.Wal;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Progress;
using Summit.Dr.Reporting;
using Summit.Dr.Steps;
using Summit.Dr.Stores;
using Summit.Dr.Stores.Neo4j;
using Summit.Dr.Stores.Postgres;
using Summit.Dr.Stores.Uploads;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr;

/// <summary>The core's services, for the tool's host and for tests that run the real pipeline.</summary>
public static class SummitDrServices
{
    public static IServiceCollection AddSummitDrCore(this IServiceCollection services, WorkingDirectory workingDirectory, ToolInfo tool)
    {
        services.AddSingleton(workingDirectory);
        services.AddSingleton(tool);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<PlatformPaths>();
        // The run's backup root, resolved once: Backup:Root, unless the host names another (backup --output).
        services.AddSingleton(
            sp => new BackupRoot(workingDirectory.Resolve(sp.GetRequiredService<IOptions<SummitDrOptions>>().Value.Backup.Root)));
        services.AddSingleton<KeptStateStore>();
        services.AddSingleton<SecretFiles>();
        services.TryAddSingleton(new SettingSources(null));
        services.AddSingleton<IValidateOptions<SummitDrOptions>, SummitDrOptionsValidation>();

        // Processes: CliWrap behind the seam, every command logged (-v), and recorded against the step that ran it.
        services.AddSingleton<InterruptSignal>();
        services.AddSingleton(sp => new CliWrapProcessRunner(sp.GetRequiredService<InterruptSignal>()));
        services.AddSingleton<IProcessRunner>(sp => new LoggingProcessRunner(
            sp.GetRequiredService<CliWrapProcessRunner>(),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<LoggingProcessRunner>>()));
        services.AddSingleton(sp => new RecordingProcessRunner(sp.GetRequiredService<IProcessRunner>()));
        services.AddSingleton(
            sp => new DockerCli(
                sp.GetRequiredService<RecordingProcessRunner>(), sp.GetRequiredService<IOptions<SummitDrOptions>>().Value.Docker.Path));
        services.AddSingleton<LoggingProgressReporter>();
        services.AddSingleton<IProgressReporter>(sp => sp.GetRequiredService<LoggingProgressReporter>());
        services.AddSingleton<ScriptRunner>();
        services.AddSingleton<StepRunner>();

        // One instance is both the service backups attach their log file to and a provider every logger writes through.
        services.AddSingleton<RunLogProvider>();
        services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(sp => sp.GetRequiredService<RunLogProvider>());

        // The platform and its stores.
        services.AddSingleton<PlatformDiscovery>();
        services.AddSingleton<PlatformContainers>();
        services.AddSingleton<StopJournal>();
        services.AddSingleton<StopJournalCheck>();
        services.AddSingleton<OperationLock>();
        services.AddSingleton<PostgresService>();
        services.AddSingleton<ArtifactCopy>();
        services.AddSingleton<PostgresIncoming>();
        services.AddSingleton<Neo4jIncoming>();
        services.AddSingleton<Neo4jQueries>();
        services.AddSingleton<Neo4jStops>();
        services.AddSingleton<Neo4jDumps>();
        services.AddSingleton<Neo4jStoreMoves>();
        services.AddSingleton<Neo4jScratch>();
        services.AddSingleton<UploadsSwap>();
        services.AddSingleton<ArtifactEncryption>();
        services.AddSingleton<ManifestSigner>();
        // Strict unless the host says what the user chose for this run.
        services.AddSingleton(TrustChoice.Strict);
        services.AddSingleton<BackupTrust>();
        services.AddSingleton<BackupCatalog>();
        services.AddSingleton<BackupOpener>();
        services.AddSingleton<ArtifactReads>();
        services.AddSingleton<KeptStores>();
        services.AddSingleton<KeptNeo4jStore>();
        services.AddSingleton<KeptStateCheck>();
        services.AddSingleton<PlatformHealth>();
        services.AddSingleton<RemoteStores>();

        // Point-in-time recovery: the WAL archive, its archiver, and what a restore to a time lays.
        services.AddSingleton<WalArchive>();
        services.AddSingleton<WalServer>();
        services.AddSingleton<WalArchiver>();
        services.AddSingleton<WalVolume>();
        services.AddSingleton<WalStatusReader>();
        services.AddSingleton<WalLedgers>();
        services.AddSingleton<WalSync>();
        services.AddSingleton<WalArchiving>();
        services.AddSingleton<PostgresDataMoves>();
        services.AddSingleton<PitrRecovery>();
        services.AddSingleton<PitrSwap>();
        services.AddSingleton<PitrPlanning>();
        services.AddSingleton<PitrPreparation>();
        services.AddSingleton<RemoteCatalog>();

        // One operation per command, each with the parts it is made of.
        services.AddSingleton<ArtifactWriter>();
        services.AddSingleton<BackupWorkspace>();
        services.AddSingleton<BackupPreflight>();
        services.AddSingleton<PostgresCapture>();
        services.AddSingleton<BaseBackupCapture>();
        services.AddSingleton<UploadsCapture>();
        services.AddSingleton<Neo4jCapture>();
        services.AddSingleton<BackupSealing>();
        services.AddSingleton<BackupCapture>();
        services.AddSingleton<BackupOperation>();
        services.AddSingleton<RestoreSource>();
        services.AddSingleton<RestoreSetup>();
        // The stores of a restore, in the order they are reported in; each prepares, swaps in and puts back its own.
        services.AddSingleton<IStoreRestore, PostgresDumpRestore>();
        services.AddSingleton<IStoreRestore, PostgresPointInTimeRestore>();
        services.AddSingleton<IStoreRestore, Neo4jRestore>();
        services.AddSingleton<IStoreRestore, UploadsRestore>();
        services.AddSingleton<RestoreSwap>();
        services.AddSingleton<RestoreFinish>();
        services.AddSingleton<RestoreOperation>();
        services.AddSingleton<UndoOperation>();
        services.AddSingleton<DrillSetup>();
        services.AddSingleton<DrillPointInTime>();
        services.AddSingleton<DrillPostgres>();
        services.AddSingleton<DrillNeo4j>();
        services.AddSingleton<DrillUploads>();
        services.AddSingleton<DrillOperation>();
        services.AddSingleton<CheckOperation>();
        services.AddSingleton<VerifyOperation>();
        services.AddSingleton<ListOperation>();
        services.AddSingleton<StatusOperation>();
        services.AddSingleton<ShowOperation>();
        services.AddSingleton<UploadsStaging>();
        services.AddSingleton<ExtractOperation>();
        services.AddSingleton<PruneOperation>();
        services.AddSingleton<PushOperation>();
        services.AddSingleton<PullOperation>();
        services.AddSingleton<WalOperation>();
        services.AddSingleton<WalPushOperation>();
        services.AddSingleton<DoctorPlatform>();
        services.AddSingleton<DoctorSettings>();
        services.AddSingleton<DoctorPitr>();
        services.AddSingleton<DoctorOperation>();
        services.AddSingleton<JournalRecovery>();

        // After every run: metrics and the webhook.
        services.AddSingleton<RunMetrics>();
        services.AddSingleton<RunNotifier>();
        services.AddSingleton<RunReporter>();
        services.AddSingleton<IRestoreConfirmation, NoTerminalConfirmation>();
        return services;
    }
}
