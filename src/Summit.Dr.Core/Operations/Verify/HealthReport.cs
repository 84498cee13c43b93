using Summit.Dr.Model;

namespace Summit.Dr.Operations.Verify;

/// <summary>The runbook's verification, run automatically: each check, and the facts it read on the way.</summary>
public sealed record HealthReport(
    IReadOnlyList<HealthCheck> Checks,
    IReadOnlyList<string>? Tables,
    long? NodeCount,
    int? UploadFiles,
    long? UploadBytes)
{
    public bool Healthy => Checks.All(c => c.Passed);
}
