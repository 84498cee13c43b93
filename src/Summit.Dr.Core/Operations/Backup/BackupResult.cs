using Summit.Dr.Model;


namespace Summit.Dr.Operations.Backup;

/// <summary>A finished, verified backup; after a dry run, only its plan (<see cref="Manifest"/> is null).</summary>
/// <param name="Steps">What ran (or, in a dry run, would run), step by step.</param>
public sealed record BackupResult(string Directory, BackupManifest? Manifest, TimeSpan Duration, IReadOnlyList<StepRecord> Steps)
{
    /// <summary>The steps that did work, timed from the start of the run (<see cref="Steps.StepLog.Timeline"/>).</summary>
    public IReadOnlyList<RestoreStep> Timeline { get; init; } = [];
}
