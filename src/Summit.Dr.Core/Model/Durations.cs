using System.Globalization;

namespace Summit.Dr.Model;

/// <summary>A duration as a sentence says it: the two largest units (2 d 3 h, 3 h 12 min, 12 min 5 s, 4.2 s).</summary>
public static class Durations
{
    public static string Say(TimeSpan span)
    {
        var abs = span.Duration();
        var sign = span < TimeSpan.Zero ? "-" : string.Empty;
        return sign + (abs switch
        {
            { TotalSeconds: < 10 } => abs.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s",
            { TotalSeconds: < 60 } => Math.Floor(abs.TotalSeconds).ToString("0", CultureInfo.InvariantCulture) + " s",
            { TotalHours: < 1 } => Two(abs.Minutes, "min", abs.Seconds, "s"),
            { TotalDays: < 1 } => Two(abs.Hours, "h", abs.Minutes, "min"),
            _ => Two((int)abs.TotalDays, "d", abs.Hours, "h"),
        });
    }

    private static string Two(int major, string majorUnit, int minor, string minorUnit) =>
        string.Create(CultureInfo.InvariantCulture, $"{major} {majorUnit}") + (minor > 0
            ? string.Create(CultureInfo.InvariantCulture, $" {minor} {minorUnit}") : string.Empty);
}
