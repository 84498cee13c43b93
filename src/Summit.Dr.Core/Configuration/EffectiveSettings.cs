using System.Collections.Frozen;
using System.Collections;
using System.Globalization;

namespace Summit.Dr.Configuration;

/// <summary>
/// Every setting the tool reads, by its key (`Section:Key`) and its effective value as the configuration would write it:
/// walked from <see cref="SummitDrOptions"/> itself, so a setting added there is listed without being named twice.
/// </summary>
public static class EffectiveSettings
{
    /// <summary>What must never be shown, whatever set it, nor given on a command line.</summary>
    public static readonly FrozenSet<string> Secrets =
        new[] { "Postgres:Password", "Neo4j:Password", "Notify:WebhookUrl" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<(string Key, string? Value)> Of(SummitDrOptions options)
    {
        var settings = new List<(string, string?)>();
        Walk(string.Empty, options, settings);
        return settings;
    }

    private static void Walk(string prefix, object section, List<(string, string?)> settings)
    {
        var properties = section.GetType().GetProperties().Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0);
        foreach (var property in properties)
        {
            var key = prefix.Length == 0 ? property.Name : $"{prefix}:{property.Name}";
            var value = property.GetValue(section);
            if (IsValue(property.PropertyType))
            {
                settings.Add((key, Format(value)));
            }
            else if (value is not null)
            {
                Walk(key, value, settings);
            }
        }
    }

    private static bool IsValue(Type type)
    {
        var inner = Nullable.GetUnderlyingType(type) ?? type;
        return inner.IsPrimitive || inner.IsEnum || inner == typeof(string) || inner == typeof(decimal) || inner == typeof(TimeSpan)
            || (inner != typeof(string) && typeof(IEnumerable).IsAssignableFrom(inner));
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        string text => text,
        bool flag => flag ? "true" : "false",
        Enum choice => SettingValues.Word(choice.ToString()),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => string.Join(", ", items.Cast<object?>().Select(Format)),
        _ => value.ToString(),
    };
}
