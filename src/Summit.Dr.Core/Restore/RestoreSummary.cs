namespace Summit.Dr.Restore;

/// <summary>What the user confirms: what will be overwritten, with what, and what becomes of the state replaced.</summary>
/// <param name="Heading">"This overwrites", or "This deletes".</param>
/// <param name="Source">What replaces it: "backup NAME, taken ..., SIZE", or the state before a restore.</param>
/// <param name="Note">What becomes of the state it replaces.</param>
public sealed record RestoreSummary(
    string Heading,
    string Source,
    IReadOnlyList<string> Overwrites,
    string Note,
    string ConfirmationWord);
