using System.Globalization;
using System.Text.RegularExpressions;
using Summit.Dr.Errors;

namespace Summit.Dr.Stores.Wal;

/// <summary>
/// `--to`: a point in time, absolute (`2026-12-01 14:02:00+01`, `2026-12-01T14:02:00Z`; without an offset, this
/// machine's local time) or back from now (`-15m`, `-2h`, `-90s`, `-1d`).
/// </summary>
public static partial class RecoveryTarget
{
    public static DateTimeOffset Parse(string text, DateTimeOffset now)
    {
        var trimmed = text.Trim();
        if (Relative().Match(trimmed) is { Success: true } relative)
        {
            var amount = int.Parse(relative.Groups["n"].Value, CultureInfo.InvariantCulture);
            return now - (relative.Groups["unit"].Value switch
            {
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            });
        }

        return DateTimeOffset.TryParse(
            trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal | DateTimeStyles.AllowWhiteSpaces, out var absolute)
            ? absolute
            : throw new UsageException($"--to '{text}' is not a time: give one like \"2026-12-01 14:02:00+01\" (without an offset, this " +
                $"machine's local time) or a span back from now like \"-15m\", \"-2h\", \"-1d\".");
    }

    [GeneratedRegex(@"^-(?<n>\d{1,6})(?<unit>[smhd])$")]
    private static partial Regex Relative();
}
