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

namespace Summit.Dr;

/// <summary>The core's services, for the tool's host and for tests that run the real pipeline.</summary>
public static class SummitDrServices
{
    public static IServiceCollection AddSummitDrCore(this IServiceCollection services, WorkingDirectory workingDirectory, ToolInfo tool)
    {
        services.AddSingleton(workingDirectory);
        services.AddSingleton(tool);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<CliWrapProcessRunner>();
        services.AddSingleton<IProcessRunner>(sp => new LoggingProcessRunner(
            sp.GetRequiredService<CliWrapProcessRunner>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<LoggingProcessRunner>>()));
        services.AddSingleton(sp => new DockerCli(sp.GetRequiredService<IProcessRunner>(), sp.GetRequiredService<IOptions<SummitDrOptions>>().Value.Docker.Path));
        services.AddSingleton<StopJournal>();
        services.AddSingleton<OperationLock>();
        services.AddSingleton<PostgresService>();
        services.AddSingleton<Neo4jService>();
        services.AddSingleton<JournalRecovery>();
        services.AddSingleton<LoggingProgressReporter>();
        services.AddSingleton<IProgressReporter>(sp => sp.GetRequiredService<LoggingProgressReporter>());
        services.AddSingleton<Encryption.ArtifactEncryption>();
        services.AddSingleton<Reporting.RunFacts>();
        services.AddSingleton<Reporting.RunMetrics>();
        services.AddSingleton<Reporting.RunNotifier>();
        services.AddSingleton<Reporting.RunReporter>();
        services.AddSingleton<BackupOperation>();
        services.AddSingleton(sp => new Remote.RemoteBackups(
            sp.GetRequiredService<IOptions<SummitDrOptions>>(), sp.GetRequiredService<BackupCatalog>(), sp.GetRequiredService<OperationLock>(), sp.GetRequiredService<IProgressReporter>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Remote.RemoteBackups>>()));
        services.AddSingleton<BackupPlanner>();
        // One instance is both the service backups attach their log file to and a provider every logger writes through.
        services.AddSingleton<RunLogProvider>();
        services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(sp => sp.GetRequiredService<RunLogProvider>());
        services.AddSingleton<UploadsSwap>();
        services.AddSingleton<BackupCatalog>();
        services.AddSingleton<BackupVerifier>();
        services.AddSingleton<RestoreOperation>();
        services.AddSingleton<Undo.KeptStores>();
        services.AddSingleton<Undo.UndoOperation>();
        services.AddSingleton<Drill.DrillOperation>();
        services.AddSingleton<RestorePlanner>();
        services.AddSingleton<Check.CheckOperation>();
        services.AddSingleton<Health.PlatformHealth>();
        services.AddSingleton<Prune.PruneOperation>();
        services.AddSingleton<Discovery.PlatformDiscovery>();
        services.AddSingleton<Doctor.DoctorOperation>();
        services.TryAddSingleton(new SettingSources(null));
        services.AddSingleton<IRestoreConfirmation, NoTerminalConfirmation>();
        return services;
    }
}
