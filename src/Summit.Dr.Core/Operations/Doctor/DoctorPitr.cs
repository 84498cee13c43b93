using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Operations.Restore;
using Summit.Dr.Stores;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr.Operations.Doctor;

/// <summary>Point-in-time recovery, when it is on: the archiver, its slot and its bound, the recoverable window.</summary>
public sealed class DoctorPitr(
    WalStatusReader reader, WalArchive archive, PlatformContainers containers, PitrPlanning planning, IOptions<SummitDrOptions> options)
{
    public async Task CheckAsync(List<HealthCheck> checks, CancellationToken cancellationToken)
    {
        if (!options.Value.Pitr.Enabled)
        {
            return;
        }

        try
        {
            var status = await reader.ReadAsync(await containers.PostgresOrNullAsync(cancellationToken), archive, cancellationToken);
            checks.Add(new HealthCheck("wal archiver", status.Streaming, status.Streaming
                ? $"streaming into wal/{status.Branch}, lag {status.LagBytes ?? 0} bytes; slot {WalServer.SlotName} bounded at " +
                    $"{(status.BoundMiB is { } b ? $"{b} MiB" : "nothing")}"
                : $"{status.Archiver}: `summit-dr wal start`"));
            foreach (var warning in status.Warnings)
            {
                checks.Add(new HealthCheck("wal", false, warning));
            }

            var window = await planning.WindowAsync(cancellationToken);
            checks.Add(new HealthCheck("point in time", window is not null, window is { } w
                ? $"PostgreSQL can be restored to any second from {w.From.ToLocalTime():yyyy-MM-dd HH:mm:ss} to " +
                    $"{w.To.ToLocalTime():yyyy-MM-dd HH:mm:ss}"
                : "no base backup on the archive yet: take a backup (it holds one with Pitr:Enabled)"));
        }
        catch (SummitDrException ex)
        {
            checks.Add(new HealthCheck("wal archiver", false, ex.Message));
        }
    }
}
