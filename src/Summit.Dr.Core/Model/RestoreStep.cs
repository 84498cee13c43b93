namespace Summit.Dr.Model;

/// <summary>One timed step of a restore; their sum is the achieved recovery time.</summary>
public sealed record RestoreStep(string Name, double Seconds);
