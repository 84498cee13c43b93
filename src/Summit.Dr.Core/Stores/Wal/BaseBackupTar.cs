using System.Formats.Tar;
using System.Text;
using System.Text.RegularExpressions;
using Summit.Dr.Errors;

namespace Summit.Dr.Stores.Wal;

/// <summary>Where a base backup starts and becomes consistent, as its own files say.</summary>
public sealed record BaseBackupFacts(string StartLsn, uint Timeline, string EndLsn);

/// <summary>
/// Walks a base backup's tar as pg_basebackup writes it (every header and byte read, so a truncated or broken
/// tar fails the backup): `backup_label` says where replay starts and on which timeline, `backup_manifest`
/// (injected at the end of a tar written to stdout) where the copy becomes consistent.
/// </summary>
public static partial class BaseBackupTar
{
    /// <summary>The WAL ranges come last in the manifest; its tail is all that is kept of it.</summary>
    private const int ManifestTail = 64 << 10;

    public static async Task<BaseBackupFacts> ReadAsync(Stream tar, CancellationToken cancellationToken)
    {
        string? label = null;
        string? manifest = null;
        await using (var reader = new TarReader(tar, leaveOpen: true))
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                var name = entry.Name.TrimStart('.', '/');
                if (name == "backup_label" && entry.DataStream is { } labelData)
                {
                    label = await Tail(labelData, cancellationToken);
                }
                else if (name == "backup_manifest" && entry.DataStream is { } manifestData)
                {
                    manifest = await Tail(manifestData, cancellationToken);
                }
                else if (entry.DataStream is { } data)
                {
                    await data.CopyToAsync(Stream.Null, cancellationToken);
                }
            }
        }

        var start = label is null ? null : StartLine().Match(label);
        var timeline = label is null ? null : TimelineLine().Match(label);
        var end = manifest is null ? null : EndLsn().Matches(manifest).LastOrDefault();
        if (start is not { Success: true } || timeline is not { Success: true } || end is null)
        {
            var missing = start is not { Success: true } || timeline is not { Success: true } ? "backup_label with its " +
                "start" : "backup_manifest with its WAL range";
            throw new IntegrityException($"The base backup holds no {missing}: pg_basebackup did not finish it.");
        }

        return new BaseBackupFacts(
            start.Groups["lsn"].Value, uint.Parse(timeline.Groups["tli"].Value, System.Globalization.CultureInfo.InvariantCulture),
            end.Groups["lsn"].Value);
    }

    private static async Task<string> Tail(Stream data, CancellationToken cancellationToken)
    {
        var buffer = new byte[ManifestTail];
        var kept = 0;
        var chunk = new byte[16 << 10];
        int read;
        while ((read = await data.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (kept + read > buffer.Length)
            {
                var drop = kept + read - buffer.Length;
                Buffer.BlockCopy(buffer, drop, buffer, 0, kept - drop);
                kept -= drop;
            }

            Buffer.BlockCopy(chunk, 0, buffer, kept, read);
            kept += read;
        }

        return Encoding.UTF8.GetString(buffer, 0, kept);
    }

    [GeneratedRegex(@"^START WAL LOCATION: (?<lsn>[0-9A-F]+/[0-9A-F]+)", RegexOptions.Multiline)]
    private static partial Regex StartLine();

    [GeneratedRegex(@"^START TIMELINE: (?<tli>\d+)", RegexOptions.Multiline)]
    private static partial Regex TimelineLine();

    [GeneratedRegex(@"""End-LSN"":\s*""(?<lsn>[0-9A-F]+/[0-9A-F]+)""")]
    private static partial Regex EndLsn();
}
