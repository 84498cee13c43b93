using System.Text.RegularExpressions;

namespace Summit.Dr.Testing;

/// <summary>
/// A planned command against one that ran: a plan's &lt;placeholder&gt; (a value only the run learns, such as an
/// exported snapshot) stands for any one argument, and the quotes the plan puts around an argument that holds
/// one (&lt; and &gt; are shell characters) go with it.
/// </summary>
public static partial class PlanMatch
{
    public static bool Matches(string planned, string ran) =>
        Regex.IsMatch(
            ran, "^" + string.Join("[^ ]+", Placeholder().Split(QuotedPlaceholder().Replace(planned, "$1")).Select(Regex.Escape)) + "$",
            RegexOptions.None, TimeSpan.FromSeconds(1));

    [GeneratedRegex("<[^<>]+>")]
    private static partial Regex Placeholder();

    [GeneratedRegex("'([^' ]*<[^<>]+>[^' ]*)'")]
    private static partial Regex QuotedPlaceholder();
}
