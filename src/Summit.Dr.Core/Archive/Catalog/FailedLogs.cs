using Summit.Dr.Model;

namespace Summit.Dr.Archive.Catalog;

/// <summary>
/// The logs failed runs leave beside the backups (`.failed-NAME.log`, NAME the time the run began): the newest
/// <see cref="Kept"/> stay when a failed run adds one, and `prune` removes those older than the oldest backup it keeps.
/// </summary>
public static class FailedLogs
{
    public const int Kept = 10;

    /// <summary>Newest first.</summary>
    public static IReadOnlyList<string> In(string root) => Directory.Exists(root)
        ? Directory.GetFiles(root, BackupLayout.FailedLogPrefix + "*.log")
            .OrderByDescending(f => Path.GetFileName(f), StringComparer.Ordinal).ToList()
        : [];

    /// <summary>All but the newest <paramref name="keep"/>.</summary>
    public static IReadOnlyList<string> Beyond(string root, int keep) => In(root).Skip(keep).ToList();

    /// <summary>Those of runs that began before the backup named <paramref name="oldestKept"/>.</summary>
    public static IReadOnlyList<string> Before(string root, string oldestKept) =>
        In(root).Where(f => string.CompareOrdinal(RunOf(f), oldestKept) < 0).ToList();

    /// <summary>The log of the failed run that would have made the backup <paramref name="run"/>: `.failed-NAME.log`.</summary>
    public static string NameOf(string run) => BackupLayout.FailedLogPrefix + run + ".log";

    /// <summary>The failed log of the run working in <paramref name="work"/> (`.incomplete-NAME`): where a message can point.</summary>
    public static string ForWork(string work) => Path.GetFileName(work.TrimEnd('/')) is var name
        && name.StartsWith(BackupLayout.IncompletePrefix, StringComparison.Ordinal)
            ? NameOf(name[BackupLayout.IncompletePrefix.Length..])
            : NameOf("NAME");

    private static string RunOf(string file) => Path.GetFileNameWithoutExtension(file)[BackupLayout.FailedLogPrefix.Length..];
}
