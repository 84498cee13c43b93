using System.Text.Json;
using System.Text.RegularExpressions;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;

namespace Summit.Dr.Tool.Hosting;

/// <summary>What configuration's own exceptions mean, said in one line a person can act on: where, and what is taken.</summary>
internal static partial class ConfigurationErrors
{
    /// <summary>A settings file that does not parse: its line and column, and why.</summary>
    public static UsageException NotJson(string file, Exception ex)
    {
        var json = Innermost<JsonException>(ex);
        if (json is not { LineNumber: { } line })
        {
            return new UsageException($"{file} is not valid JSON: {Innermost<Exception>(ex)!.Message} Fix the file.", ex);
        }

        // The reader's message ends with where it stopped, which this says first, counted from 1.
        var reason = json.Message.Split(" Path: ", 2)[0].Split(" LineNumber: ", 2)[0].Trim().TrimEnd('.');
        return new UsageException(
            $"{file} is not valid JSON at line {line + 1}, column {(json.BytePositionInLine ?? 0) + 1}: {reason}. Fix the file there.", ex);
    }

    /// <summary>A value the binder could not convert: the setting, the value and what the setting takes.</summary>
    public static UsageException BadValue(InvalidOperationException ex)
    {
        var match = ConversionFailure().Match(ex.Message);
        if (!match.Success)
        {
            return new UsageException($"Invalid configuration: {ex.Message.TrimEnd('.')}" +
                $"{(ex.InnerException is { } why ? $": {why.Message.TrimEnd('.')}" : string.Empty)}.", ex);
        }

        return new UsageException($"Invalid configuration: {match.Groups["key"].Value} is '{match.Groups["value"].Value}', and it takes " +
            $"{Takes(match.Groups["type"].Value)}. Fix it where it is set (`summit-dr doctor` shows where).", ex);
    }

    /// <summary>What a value of the type named <paramref name="type"/> (as the binder names it) is written as.</summary>
    internal static string Takes(string type)
    {
        var name = NullableOf().Match(type) is { Success: true } inner ? inner.Groups["type"].Value : type;
        if (typeof(SummitDrOptions).Assembly.GetType(name) is { IsEnum: true } choice)
        {
            return "one of " + string.Join(", ", SettingValues.Names(choice));
        }

        return name switch
        {
            "System.Boolean" => "true or false",
            "System.Int32" or "System.Int64" => "a whole number",
            "System.Double" or "System.Decimal" => "a number, such as 1.5",
            "System.TimeSpan" => "a duration, such as 00:30:00",
            "System.DateTimeOffset" => "a date and time, such as 2026-12-01T14:02:00+01:00",
            _ => $"a value of type {name}",
        };
    }

    private static T? Innermost<T>(Exception ex)
        where T : Exception
    {
        T? found = null;
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            found = e as T ?? found;
        }

        return found;
    }

    [GeneratedRegex(
        @"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']*)' to type '(?<type>[^']*)'", RegexOptions.Singleline)]
    private static partial Regex ConversionFailure();

    [GeneratedRegex(@"^System\.Nullable`1\[\[(?<type>[^,\]]+)")]
    private static partial Regex NullableOf();
}
