using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Summit.Dr.Configuration;
using Summit.Dr.Model;
using Summit.Dr.Operations.Backup;
using Summit.Dr.Engine.Processes;

namespace Summit.Dr.Tests.Support;

/// <summary>The real core services over a temporary working directory, with <see cref="FakeDocker"/> at the process seam.</summary>
internal sealed class CoreHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public CoreHarness(Action<SummitDrOptions>? configure = null, bool withUploads = true, Action<IServiceCollection>? services = null)
    {
        WorkDir = Directory.CreateTempSubdirectory("summit-dr-unit-").FullName;
        if (withUploads)
        {
            var imports = Path.Combine(WorkDir, "server", "uploads", "imports");
            Directory.CreateDirectory(imports);
            File.WriteAllText(Path.Combine(imports, "entities.csv"), "id,name\n1,alpha\n");
            File.WriteAllText(Path.Combine(WorkDir, "server", "uploads", "bundle.json"), "{\"type\":\"bundle\"}");
        }

        var collection = new ServiceCollection();
        collection.AddLogging(b => b.AddProvider(Log).SetMinimumLevel(LogLevel.Debug));
        collection.Configure<SummitDrOptions>(o =>
        {
            o.Neo4j.StartTimeoutSeconds = 5;
            configure?.Invoke(o);
        });
        collection.AddSummitDrCore(new WorkingDirectory(WorkDir), new ToolInfo("9.9.9-test"));
        collection.AddSingleton<IProcessRunner>(Docker.Runner.Object);
        collection.AddSingleton<TimeProvider>(Time);
        services?.Invoke(collection);
        _services = collection.BuildServiceProvider();
    }

    public FakeDocker Docker { get; } = new();

    public ShiftableTime Time { get; } = new();

    public CapturingLoggerProvider Log { get; } = new();

    public string WorkDir { get; }

    public string Root => Path.Combine(WorkDir, "backups");

    public BackupOperation Backup => _services.GetRequiredService<BackupOperation>();

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public Task<BackupResult> RunBackupAsync(CancellationToken cancellationToken = default) =>
        Backup.RunAsync(new BackupRequest(BackupComponents.All, DryRun: false), cancellationToken);

    /// <summary>Directories in the backup root that list, restore or `latest` could take for a backup.</summary>
    public IReadOnlyList<string> VisibleBackups() => Directory.Exists(Root)
        ? Directory.GetDirectories(Root).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Select(n => n!).ToList()
        : [];

    public IReadOnlyList<string> AllDirectories() => Directory.Exists(Root)
        ? Directory.GetDirectories(Root).Select(d => Path.GetFileName(d)!).ToList()
        : [];

    public void Dispose()
    {
        _services.Dispose();
        Directory.Delete(WorkDir, recursive: true);
    }
}
