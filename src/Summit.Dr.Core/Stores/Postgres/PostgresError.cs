using System.Text.RegularExpressions;
using Summit.Dr.Engine.Processes;

namespace Summit.Dr.Stores.Postgres;

/// <summary>
/// A server error as psql reports it with VERBOSITY=verbose: `ERROR:  3D000: database "x" does not exist`,
/// then a `LOCATION:` line. The SQLSTATE decides; the message is for the operator.
/// </summary>
public sealed partial record PostgresError(string? SqlState, string Message)
{
    /// <summary>invalid_catalog_name: the database does not exist.</summary>
    public const string InvalidCatalogName = "3D000";

    public static PostgresError Parse(ProcessResult result)
    {
        foreach (var line in result.StandardError.Split('\n'))
        {
            var match = Verbose().Match(line.Trim());
            if (match.Success)
            {
                return new PostgresError(match.Groups["code"].Value, $"{match.Groups["severity"].Value}:  {match.Groups["message"].Value}");
            }
        }

        return new PostgresError(null, result.ErrorSummary);
    }

    [GeneratedRegex(@"^(?:psql:[^ ]* )?(?<severity>ERROR|FATAL|PANIC):\s+(?<code>[0-9A-Z]{5}):\s+(?<message>.*)$")]
    private static partial Regex Verbose();
}
