namespace Summit.Dr.Operations.Check;

/// <summary>One line of `check`: what was looked at, whether it is sound, and what was found.</summary>
public sealed record CheckFinding(string Subject, bool Sound, string Detail);
