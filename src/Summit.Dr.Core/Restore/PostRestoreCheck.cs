namespace Summit.Dr.Restore;

/// <summary>One of the runbook's post-restore checks, run automatically.</summary>
public sealed record PostRestoreCheck(string Name, bool Passed, string Detail);
