namespace Summit.Dr.Model;

public enum ComponentStatus
{
    /// <summary>The artifact was written and verified.</summary>
    Captured,

    /// <summary>The source did not exist (the runbook's "no uploads directory" case).</summary>
    Missing,

    /// <summary>Left out on purpose (`--only`).</summary>
    Skipped,
}
