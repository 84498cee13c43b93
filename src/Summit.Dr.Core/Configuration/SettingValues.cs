using System.Text;

namespace Summit.Dr.Configuration;

/// <summary>The words of a setting's enum values, as the configuration writes them: `BindMount` is `bind-mount`.</summary>
public static class SettingValues
{
    public static string Name<T>(T value)
        where T : struct, Enum => Word(value.ToString());

    /// <summary>The words of every value of the enum <paramref name="type"/>.</summary>
    public static IReadOnlyList<string> Names(Type type) => [.. Enum.GetNames(type).Select(Word)];

    /// <summary>An enum value's name as a setting's word: `BindMount` is `bind-mount`.</summary>
    public static string Word(string name)
    {
        var text = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }

    public static IReadOnlyList<string> Names<T>()
        where T : struct, Enum => [.. Enum.GetValues<T>().Select(Name)];

    /// <summary>The value a word names, in any case, with or without its hyphens; null for any other word.</summary>
    public static T? Parse<T>(string text)
        where T : struct, Enum
    {
        var word = text.Trim().Replace("-", string.Empty, StringComparison.Ordinal);
        return Enum.GetValues<T>().Where(v => string.Equals(v.ToString(), word, StringComparison.OrdinalIgnoreCase)).Select(
            v => (T?)v).FirstOrDefault();
    }
}
