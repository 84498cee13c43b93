using Summit.Dr.Health;

namespace Summit.Dr.Doctor;

public sealed record DoctorReport(IReadOnlyList<HealthCheck> Checks, IReadOnlyList<ConfigurationEntry> Configuration)
{
    public bool Ready => Checks.All(c => c.Passed);
}
