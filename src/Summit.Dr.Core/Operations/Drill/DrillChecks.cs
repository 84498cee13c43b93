using Summit.Dr.Model;


namespace Summit.Dr.Operations.Drill;

/// <summary>What a drill proved so far; the stores add to it side by side.</summary>
public sealed class DrillChecks
{
    private readonly List<HealthCheck> _checks = [];

    public void Add(HealthCheck check)
    {
        lock (_checks)
        {
            _checks.Add(check);
        }
    }

    public void Add(string name, bool passed, string detail) => Add(new HealthCheck(name, passed, detail));

    public IReadOnlyList<HealthCheck> Ordered()
    {
        lock (_checks)
        {
            return _checks.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        }
    }
}
