using Summit.Dr.Errors;
using Summit.Dr.IO;


namespace Summit.Dr.Stores.Wal;

/// <summary>
/// Chooses what a restore to a point in time needs and proves the archive holds it, before anything is
/// touched: every refusal is an <see cref="IntegrityException"/> (exit 4) that names what is missing.
/// </summary>
public static class RecoveryPlanner
{
    /// <param name="coveredUntil">How far the stream the platform runs on now is archived: now when the archiver streams with no lag, else
    /// its last write.</param>
    /// <param name="ledgers">What the archive's ledgers let the restore use (<see cref="WalLedgerSet"/>); null: every file, as it
    /// lies.</param>
    public static RecoveryPlan Plan(
        DateTimeOffset target, WalArchive archive, IReadOnlyList<BaseCandidate> bases, Func<WalBranch, DateTimeOffset> coveredUntil,
        WalLedgerSet? ledgers = null)
    {
        ledgers ??= WalLedgerSet.None;
        var streams = archive.Branches();
        if (streams.Count == 0)
        {
            throw new IntegrityException($"There is no WAL archive in {archive.Directory}: start it with `summit-dr wal start` " +
                $"(Pitr:Enabled=true); a restore to a point in time replays it.");
        }

        // With signed ledgers, when each stream was activated is the ledger's word, not branch.json's.
        IReadOnlyList<DateTimeOffset> Activations(WalBranch s) =>
            ledgers.SignedOnly && ledgers.Of(s) is { } signed ? signed.Activations : s.Activations;

        // The stream the platform ran on at the target: the one last activated before it.
        var stream = streams.Where(s => Activations(s).Any(a => a <= target)).MaxBy(s => Activations(s).Last(a => a <= target))
            ?? throw new IntegrityException($"The WAL archive begins at {Local(streams.Min(s => s.Activations[0]))}: {Local(target)} is " +
                $"before it, so no restore can reach it. `summit-dr list` shows the recoverable window.");
        var files = streams.Where(s => s.SystemIdentifier == stream.SystemIdentifier).SelectMany(
            s => ledgers.Usable(s, archive.Files(s))).ToList();
        var histories = archive.Histories(stream.SystemIdentifier);
        foreach (var file in histories.Values)
        {
            ledgers.RequireHistory(file);
        }

        // The stream's own timeline, or a later one its usable (with signing: ledgered) segments are on: never the highest name lying
        // there.
        var timeline = ledgers.Usable(stream, archive.Files(stream)).Select(f => f.Name.Timeline).Append(stream.Timeline).Max();
        var path = histories.TryGetValue(timeline, out var history) ? TimelinePath.Parse(timeline, ReadHistory(history, ledgers))
            : TimelinePath.Alone(timeline);

        var usable = bases.Where(
            b => b.Base.SystemIdentifier == stream.SystemIdentifier && path.Holds(b.Base.Timeline, b.StartLsn)).ToList();
        var chosen = usable.Where(b => b.ConsistentAt <= target).MaxBy(b => b.ConsistentAt)
            ?? throw new IntegrityException(usable.Count == 0
                ? $"No backup holds a base backup of this PostgreSQL (system {stream.SystemIdentifier}, timeline {timeline}): take one " +
                    $"with `summit-dr backup` (Pitr:Enabled=true)."
                : $"No base backup was finished before {Local(target)}: the oldest, {usable.MinBy(b => b.ConsistentAt)!.Name}, was " +
                    $"finished at {Local(usable.Min(b => b.ConsistentAt))}. Restore to a later time, or restore a backup as it is.");

        var covered = coveredUntil(stream);
        if (ledgers.SignedUntil(stream) is { } signed && signed < covered)
        {
            covered = signed;
            if (target > covered)
            {
                throw new IntegrityException($"The WAL archive's signed ledger vouches for WAL up to {Local(covered)} (its last signed " +
                    $"sync), and {Local(target)} is after it: nothing was touched. " +
                    $"Restore to {Local(covered)} or earlier, or let `summit-dr wal start` sign what came since.");
            }
        }

        if (target > covered)
        {
            throw new IntegrityException($"The WAL archive holds WAL up to {Local(covered)}, and {Local(target)} is after it: nothing " +
                $"was touched. Restore to {Local(covered)} or earlier (`summit-dr wal status` shows the archiver).");
        }

        var segments = Segments(chosen, path, files, stream.SegmentSize, target);
        return new RecoveryPlan(
            target, chosen, stream, path, segments, [.. histories.OrderBy(h => h.Key).Select(h => h.Value)], covered) { Ledgers = ledgers };
    }

    /// <summary>A timeline history file, read through one handle that follows no link, its bytes checked against the ledger
    /// first.</summary>
    private static string ReadHistory(string path, WalLedgerSet ledgers)
    {
        using var file = SafeFiles.OpenRead(path);
        if (file.Length > 1 << 20)
        {
            throw new IntegrityException($"{path} is larger than any timeline history: it was planted. Nothing was touched; move it away.");
        }

        var bytes = new byte[file.Length];
        file.ReadExactly(bytes);
        if (ledgers.Expected(path) is { } expected
            && (expected.Size != bytes.Length
                || Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)) != expected.Sha256))
        {
            throw new IntegrityException($"{path} is not the timeline history its ledger recorded ({expected.Size} bytes, SHA-256 " +
                $"{expected.Sha256}): it was changed. Nothing was touched.");
        }

        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    /// <summary>
    /// Every segment from the base's start on, as far as the archive holds them without a gap. The segments up
    /// to the one that was being written at the target (the first one written to at or after it) are needed:
    /// a gap before it is a refusal; after it, replay ends at the gap, past the target anyway.
    /// </summary>
    private static List<(WalFile File, string LaidName)> Segments(
        BaseCandidate chosen, TimelinePath path, IReadOnlyList<WalFile> files, long segmentSize, DateTimeOffset target)
    {
        var onPath = files.Where(f => path.TimelineOf(f.Name.Segment, segmentSize) == f.Name.Timeline).ToList();
        var first = WalFileName.SegmentOf(chosen.StartLsn, segmentSize);
        var last = onPath.Select(f => f.Name.Segment).DefaultIfEmpty(first).Max();
        var segments = new List<(WalFile, string)>();
        var reached = false;
        for (var segment = first; segment <= last; segment++)
        {
            var name = new WalFileName(path.TimelineOf(segment, segmentSize), segment, Partial: false);
            // A complete segment wherever a stream holds it; the one still being written only at the end.
            var file = onPath.FirstOrDefault(f => f.Name == name)
                ?? (segment == last ? onPath.Where(f => f.Name == name with { Partial = true }).MaxBy(f => f.Size) : null);
            if (file is null && reached)
            {
                break;
            }

            segments.Add((file ?? throw new IntegrityException(
                $"The WAL archive misses segment {name.SegmentName(segmentSize)}, needed to replay base backup {chosen.Name} forward to " +
                    $"{Local(target)}: nothing was touched. " +
                "The archiver was stopped or its slot was lost there; restore to an earlier time, or restore a backup as it " +
                    "is."), name.SegmentName(segmentSize)));
            reached |= file.Modified >= target;
        }

        return segments;
    }

    private static string Local(DateTimeOffset time) => time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss " +
        "zzz", System.Globalization.CultureInfo.InvariantCulture);
}
