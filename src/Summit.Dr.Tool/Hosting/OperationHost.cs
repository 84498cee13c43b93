using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NLog.Extensions.Logging;
using Summit.Dr.Archive.Trust;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Confirmation;
using Summit.Dr.Progress;
using Summit.Dr.Tool.Terminal;

namespace Summit.Dr.Tool.Hosting;

/// <summary>
/// Builds a generic host for one parsed command and runs its operation. The host is built explicitly (no
/// defaults), so the tool's own arguments are never read as configuration and no appsettings.json from the
/// user's directory is picked up.
/// </summary>
internal static class OperationHost
{
    /// <summary>
    /// Runs <paramref name="body"/> with the command's one handler, resolved with its dependencies (constructor injection);
    /// <paramref name="validate"/> checks the command's input against the configuration before any docker command.
    /// </summary>
    public static int Run<THandler>(
        GlobalOptions globals, CommandRun command, Func<THandler, ToolConsole, CancellationToken, Task<CommandResult>> body,
        Action<THandler>? validate = null)
        where THandler : class
    {
        var workingDirectory = new WorkingDirectory(Path.GetFullPath(globals.WorkingDirectory ?? Directory.GetCurrentDirectory()));
        if (!Directory.Exists(workingDirectory.Path))
        {
            throw new UsageException($"--workdir {workingDirectory.Path} does not exist.");
        }

        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ApplicationName = "summit-dr",
            ContentRootPath = workingDirectory.Path,
        });
        var origin = ConfigurationLayers.Apply(builder.Configuration, globals, workingDirectory);

        var status = new StatusLine(Console.Error, !Console.IsErrorRedirected, StatusLine.TerminalWidth);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(NLogSetup.MinimumLevel(globals.Verbose));
        builder.Logging.AddNLog(NLogSetup.Console(status, globals.Verbose, globals.Quiet));

        builder.Services.Configure<SummitDrOptions>(builder.Configuration);
        builder.Services.AddSingleton(new SettingSources(builder.Configuration));
        builder.Services.AddSummitDrCore(workingDirectory, ToolInfo.FromAssembly(typeof(OperationHost).Assembly));
        builder.Services.AddSingleton(status);
        builder.Services.AddSingleton<ToolConsole>();
        builder.Services.AddSingleton<LiveProgressReporter>();
        builder.Services.AddSingleton<IProgressReporter>(sp => sp.GetRequiredService<LiveProgressReporter>());
        builder.Services.AddSingleton<IRestoreConfirmation, ConsoleConfirmation>();
        // Long enough for a clean Neo4j stop, its restart and the wait until it answers.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(10));
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

        var warnings = SettingChecks.Check(builder.Configuration, globals);
        var options = ValidatedOptions(builder.Configuration);
        // A dry run changes nothing, so it does not recover either.
        // The run's backup root, resolved here once: what every part of the run is given.
        var root = new BackupRoot(workingDirectory.Resolve(command.OutputRoot ?? options.Backup.Root));
        builder.Services.AddSingleton(root);
        var roots = (command.Recover ? new[] { new BackupRoot(workingDirectory.Resolve(options.Backup.Root)), root } : [])
            .Distinct()
            .ToList();
        builder.Services.TryAddSingleton<THandler>();
        builder.Services.AddSingleton(new TrustChoice(command.AllowUnsigned));
        var run = new OperationRun(
            command, (services, console, token) => body(services.GetRequiredService<THandler>(), console, token), roots)
        {
            Warnings = warnings,
            Validate = validate is null ? null : services => validate(services.GetRequiredService<THandler>()),
            Facts = command.Facts,
            Origin = origin,
        };
        builder.Services.AddSingleton(run);
        builder.Services.AddHostedService<OperationHostedService>();

        using var host = builder.Build();
        // The host's console lifetime turns these signals into the run's cancellation; this marks when they came, for a
        // child the same Ctrl+C met in the instant before it left the tool's process group.
        var interrupt = host.Services.GetRequiredService<InterruptSignal>();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => interrupt.Mark());
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => interrupt.Mark());
        host.Run();
        return run.ExitCode;
    }

    internal static SummitDrOptions ValidatedOptions(IConfiguration configuration)
    {
        SummitDrOptions options;
        try
        {
            options = configuration.Get<SummitDrOptions>() ?? new SummitDrOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw ConfigurationErrors.BadValue(ex);
        }

        var problems = SummitDrOptionsValidation.Problems(options).ToList();
        return problems.Count == 0 ? options : throw new UsageException($"Invalid configuration: {string.Join("; ", problems)}.");
    }
}
