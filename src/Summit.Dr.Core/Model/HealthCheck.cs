namespace Summit.Dr.Model;

/// <summary>One of the runbook's health checks; a failed one says what to do in <see cref="Detail"/>.</summary>
public sealed record HealthCheck(string Name, bool Passed, string Detail);
