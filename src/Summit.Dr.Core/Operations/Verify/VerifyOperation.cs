using Summit.Dr.Model;


namespace Summit.Dr.Operations.Verify;

/// <summary>`verify`: the runbook's post-restore health checks of the whole platform, as they stand now.</summary>
public sealed class VerifyOperation(PlatformHealth health)
{
    public Task<HealthReport> RunAsync(CancellationToken cancellationToken) => health.CheckAsync(BackupComponents.All, cancellationToken);
}
