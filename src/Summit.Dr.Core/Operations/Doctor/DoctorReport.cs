using Summit.Dr.Model;


namespace Summit.Dr.Operations.Doctor;

public sealed record DoctorReport(IReadOnlyList<HealthCheck> Checks, IReadOnlyList<ConfigurationEntry> Configuration)
{
    public bool Ready => Checks.All(c => c.Passed);
}
