using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Summit.Dr.Engine.Discovery;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Operations.Drill;
using Summit.Dr.Operations.Recovery;
using Summit.Dr.Reporting;
using Summit.Dr.Steps;
using Summit.Dr.Tool.Terminal;

namespace Summit.Dr.Tool.Hosting;

/// <summary>
/// Runs the command's operation as the host's one hosted service. Ctrl+C and SIGTERM arrive as the stopping
/// token; the host waits (HostOptions.ShutdownTimeout) while clean-up such as restarting Neo4j finishes.
/// Every failure ends as one line on stderr and the exit code of the design's table.
/// </summary>
internal sealed class OperationHostedService(
    OperationRun run,
    IServiceProvider services,
    ToolConsole console,
    IHostApplicationLifetime lifetime,
    ILogger<OperationHostedService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var time = services.GetRequiredService<TimeProvider>();
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        try
        {
            foreach (var warning in run.Warnings)
            {
                logger.LogWarning("{Warning}", warning);
            }

            run.Validate?.Invoke(services);
            // A run from the wrong directory shows at once: the first thing said is where it runs and what it reads.
            logger.LogInformation("summit-dr {Command}: {Origin}", run.Command.Command, run.Origin);
            if (run.Command.Discover)
            {
                await services.GetRequiredService<PlatformDiscovery>().ApplyAsync(stoppingToken);
            }

            var recovery = services.GetRequiredService<JournalRecovery>();
            foreach (var root in run.RecoveryRoots)
            {
                await recovery.RecoverAsync(root, stoppingToken);
            }

            // What killed runs left behind (workbenches, drills' scratch) goes, beside the command's own work, whatever the command.
            var leftovers = run.RecoveryRoots.Count == 0
                ? Task.CompletedTask
                : RemoveLeftoversAsync(services, stoppingToken);
            try
            {
                var result = await run.Body(services, console, stoppingToken);
                (run.ExitCode, run.Facts) = (result.ExitCode, result.Facts);
                if (result.ExitCode == ExitCodes.Success && stoppingToken.IsCancellationRequested)
                {
                    // The interrupt met the run's last clean-up, which finishes whatever comes: the result stands, and is said so.
                    run.ExitCode = ExitCodes.Interrupted;
                    run.Error = $"Interrupted as the {run.Command.Command} finished: it had completed, and what it reported above " +
                        "stands; nothing was left half done.";
                    console.Error.WriteLine($"summit-dr: {run.Error}");
                }
            }
            finally
            {
                await leftovers;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            var at = services.GetRequiredService<StepRunner>().Current?.FirstCancelled is { } step ? $" during '{step}'" : string.Empty;
            Fail(ExitCodes.Interrupted, $"Interrupted{at}. Nothing was left half done: unfinished work was discarded and stopped " +
                "containers were started again.");
        }
        catch (SummitDrException ex)
        {
            run.Locked = ex is LockedException;
            Fail(ex.ExitCode, ex.Message);
        }
        catch (OutOfMemoryException ex)
        {
            logger.LogDebug(ex, "Out of memory");
            Fail(ExitCodes.Failed, "Out of memory: the run reached the tool's heap cap (docs/performance.md, Memory) and was undone as " +
                "any failed run is. "
                + "Run it again with a higher cap in its environment, such as DOTNET_GCHeapHardLimitSOH=0x10000000 (256 MiB, in " +
                    "hexadecimal).");
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Unexpected failure");
            Fail(ExitCodes.Failed, $"Unexpected failure: {ex.Message} (run with -v for details).");
        }
        finally
        {
            if (run.Command.Report)
            {
                try
                {
                    await services.GetRequiredService<RunReporter>().ReportAsync(
                        run.Command.Command, run.ExitCode, startedAt, time.GetElapsedTime(started), run.Error, run.Locked, run.Facts);
                }
                catch (Exception ex)
                {
                    // The report of a run never changes its outcome.
                    logger.LogWarning("Could not report the run to the metrics or the webhook: {Error}", ex.Message);
                }
            }

            console.FlushJson(run.ExitCode);
            lifetime.StopApplication();
        }
    }

    private async Task RemoveLeftoversAsync(IServiceProvider provider, CancellationToken cancellationToken)
    {
        try
        {
            var docker = provider.GetRequiredService<DockerCli>();
            await OneOffOwner.RemoveLeftoversAsync(docker, logger, cancellationToken);
            await DrillScratch.RemoveLeftoversAsync(docker, logger, cancellationToken);
        }
        catch (Exception ex)
        {
            // Leftovers that stay are looked for again by the next run; an interrupted run stops looking.
            logger.LogDebug(ex, "Could not look for drill leftovers");
        }
    }

    private void Fail(int exitCode, string message)
    {
        run.ExitCode = exitCode;
        run.Error = message;
        console.Error.WriteLine($"summit-dr: {message}");
        if (run.Command.Json)
        {
            console.ReplaceJson(new { schemaVersion = 1, command = run.Command.Command, status = "failed", exitCode, error = message });
        }
    }
}
