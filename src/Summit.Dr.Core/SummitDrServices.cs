using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Summit.Dr.Backup;
using Summit.Dr.Catalog;
using Summit.Dr.Restore;
using Summit.Dr.Uploads;
using Summit.Dr.Configuration;
using Summit.Dr.Docker;
using Summit.Dr.Locking;
using Summit.Dr.Logging;
using Summit.Dr.Neo4j;
using Summit.Dr.Operations;
using Summit.Dr.Postgres;
using Summit.Dr.Processes;
using Summit.Dr.Progress;
using Summit.Dr.Steps;

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
        services.AddSingleton<SecretFiles>();
        services.TryAddSingleton(new SettingSources(null));
        services.AddSingleton<IValidateOptions<SummitDrOptions>, SummitDrOptionsValidation>();

        // Processes: CliWrap behind the seam, every command logged (-v), and recorded against the step that ran it.
        services.AddSingleton<CliWrapProcessRunner>();
        services.AddSingleton<IProcessRunner>(sp => new LoggingProcessRunner(
            sp.GetRequiredService<CliWrapProcessRunner>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<LoggingProcessRunner>>()));
        services.AddSingleton(sp => new RecordingProcessRunner(sp.GetRequiredService<IProcessRunner>()));
        services.AddSingleton(sp => new DockerCli(sp.GetRequiredService<RecordingProcessRunner>(), sp.GetRequiredService<IOptions<SummitDrOptions>>().Value.Docker.Path));
        services.AddSingleton<LoggingProgressReporter>();
        services.AddSingleton<IProgressReporter>(sp => sp.GetRequiredService<LoggingProgressReporter>());
        services.AddSingleton<StepRunner>();

        // One instance is both the service backups attach their log file to and a provider every logger writes through.
        services.AddSingleton<RunLogProvider>();
        services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(sp => sp.GetRequiredService<RunLogProvider>());

        // The platform and its stores.
        services.AddSingleton<Discovery.PlatformDiscovery>();
        services.AddSingleton<Discovery.PlatformContainers>();
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
        services.AddSingleton<Encryption.ArtifactEncryption>();
        services.AddSingleton<Trust.ManifestSigner>();
        services.AddSingleton<Trust.BackupTrust>();
        services.AddSingleton<BackupCatalog>();
        services.AddSingleton<BackupOpener>();
        services.AddSingleton<ArtifactReads>();
        services.AddSingleton<Undo.KeptStores>();
        services.AddSingleton<Undo.KeptNeo4jStore>();
        services.AddSingleton<Undo.KeptStateCheck>();
        services.AddSingleton<Health.PlatformHealth>();
        services.AddSingleton<Remote.RemoteStores>();

        // Point-in-time recovery: the WAL archive, its archiver, and what a restore to a time lays.
        services.AddSingleton(sp => new Pitr.WalArchive(sp.GetRequiredService<PlatformPaths>().BackupRoot()));
        services.AddSingleton<Pitr.WalServer>();
        services.AddSingleton<Pitr.WalArchiver>();
        services.AddSingleton<Pitr.WalVolume>();
        services.AddSingleton<Pitr.WalStatusReader>();
        services.AddSingleton<Pitr.WalLedgers>();
        services.AddSingleton<Pitr.WalSync>();
        services.AddSingleton<Pitr.WalArchiving>();
        services.AddSingleton<Pitr.PostgresDataMoves>();
        services.AddSingleton<Pitr.PitrRecovery>();
        services.AddSingleton<Pitr.PitrSwap>();
        services.AddSingleton<Pitr.PitrPlanning>();
        services.AddSingleton<Pitr.PitrPreparation>();
        services.AddSingleton<Remote.RemoteCatalog>();

        // One operation per command, each with the parts it is made of.
        services.AddSingleton<ArtifactWriter>();
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
        services.AddSingleton<PostgresPreparation>();
        services.AddSingleton<RestorePreparation>();
        services.AddSingleton<Neo4jPreparation>();
        services.AddSingleton<RestoreSwap>();
        services.AddSingleton<RestoreFinish>();
        services.AddSingleton<RestoreOperation>();
        services.AddSingleton<Undo.UndoOperation>();
        services.AddSingleton<Drill.DrillSetup>();
        services.AddSingleton<Drill.DrillPointInTime>();
        services.AddSingleton<Drill.DrillPostgres>();
        services.AddSingleton<Drill.DrillNeo4j>();
        services.AddSingleton<Drill.DrillUploads>();
        services.AddSingleton<Drill.DrillOperation>();
        services.AddSingleton<Check.CheckOperation>();
        services.AddSingleton<Health.VerifyOperation>();
        services.AddSingleton<ListOperation>();
        services.AddSingleton<Prune.PruneOperation>();
        services.AddSingleton<Remote.PushOperation>();
        services.AddSingleton<Remote.PullOperation>();
        services.AddSingleton<Pitr.WalOperation>();
        services.AddSingleton<Pitr.WalPushOperation>();
        services.AddSingleton<Doctor.DoctorPlatform>();
        services.AddSingleton<Doctor.DoctorSettings>();
        services.AddSingleton<Doctor.DoctorPitr>();
        services.AddSingleton<Doctor.DoctorOperation>();
        services.AddSingleton<JournalRecovery>();

        // After every run: metrics and the webhook.
        services.AddSingleton<Reporting.RunFacts>();
        services.AddSingleton<Reporting.RunMetrics>();
        services.AddSingleton<Reporting.RunNotifier>();
        services.AddSingleton<Reporting.RunReporter>();
        services.AddSingleton<IRestoreConfirmation, NoTerminalConfirmation>();
        return services;
    }
}
