namespace Summit.Dr.Model;

/// <summary>What a directory in the backup root is, as far as a cheap look can tell.</summary>
public enum BackupState
{
    /// <summary>A manifest that parses, and every artifact it names present with its recorded size.</summary>
    Complete,

    /// <summary>Complete, and taken by restore just before it overwrote the live state.</summary>
    Safety,

    /// <summary>Made by the runbook's scripts: artifacts, no manifest, no checksums.</summary>
    Legacy,

    /// <summary>Unfinished work of a run that did not complete; never restored, never `latest`.</summary>
    Incomplete,

    /// <summary>The manifest does not parse, or an artifact it names is missing or has another size.</summary>
    Corrupt,
}
