using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;

namespace Summit.Dr.Tool.Hosting;

/// <summary>
/// Settings are checked, not guessed: a key nobody knows (a typo) is refused naming the nearest known one; a
/// secret given with --set (visible in `ps`) is refused naming where it belongs; a configuration file others
/// can read, and a plain-http endpoint off this machine, draw a warning.
/// </summary>
internal static class SettingChecks
{
    /// <summary>Refuses (exit 2) what the command line or a file says that cannot be right; returns the warnings to give.</summary>
    public static IReadOnlyList<string> Check(IConfigurationRoot configuration, GlobalOptions globals)
    {
        foreach (var setting in globals.Settings)
        {
            var parts = setting.Split('=', 2);
            var key = parts[0].Trim();
            // Settings whose value is a secret: never on a command line.
            if (EffectiveSettings.Secrets.TryGetValue(key, out var secret))
            {
                throw new UsageException($"--set {key} is refused: a value on the command line is visible to every user of this machine " +
                    $"(`ps`). Set it with {Variable(secret)}, or {secret} in summit-dr.json (mode 600).");
            }

            // A URL that carries credentials (https://user:password@host) is a secret too, whichever setting takes it.
            if (parts.Length == 2 && Uri.TryCreate(parts[1].Trim(), UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0)
            {
                throw new UsageException($"--set {key} is refused: its URL carries credentials, and a value on the command line is " +
                    $"visible to every user of this machine (`ps`). Set it with {Variable(key)}, or in summit-dr.json (mode 600).");
            }
        }

        var known = KnownKeys();
        foreach (var provider in configuration.Providers.Skip(1))
        {
            foreach (var key in LeafKeys(provider))
            {
                if (!known.Contains(key)
                    && !(provider is EnvironmentVariablesConfigurationProvider && !key.Contains(':', StringComparison.Ordinal)))
                {
                    var nearest = known.OrderBy(k => Distance(k.ToLowerInvariant(), key.ToLowerInvariant())).First();
                    throw new UsageException($"Unknown setting {key} ({Where(provider, key)}): did you mean {nearest}? `summit-dr " +
                        $"doctor` lists every setting.");
                }
            }
        }

        var warnings = new List<string>();
        foreach (var file in configuration.Providers.OfType<JsonConfigurationProvider>().Select(
            p => p.Source.FileProvider?.GetFileInfo(p.Source.Path ?? string.Empty).PhysicalPath).OfType<string>())
        {
            if ((File.GetUnixFileMode(file) & (
                UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            {
                warnings.Add($"{file} can be read or changed by other users, and it can name passwords and the docker CLI summit-dr " +
                    $"runs: `chmod 600 {file}`.");
            }
        }

        foreach (var key in new[] { "Remote:Endpoint", "Metrics:PushgatewayUrl", "Notify:WebhookUrl" })
        {
            if (configuration[key] is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var uri)
                && uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
            {
                warnings.Add($"{key} is plain http to {uri.Host}: what goes there (backups, credentials' signatures, run reports) " +
                    $"crosses the network unencrypted. Use https.");
            }
        }

        return warnings;
    }

    /// <summary>Every Section:Key the options classes have.</summary>
    internal static HashSet<string> KnownKeys() =>
        EffectiveSettings.Of(new SummitDrOptions()).Select(s => s.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The environment variable that sets <paramref name="key"/>: SUMMIT_DR_Section__Key.</summary>
    private static string Variable(string key) =>
        $"{SummitDrDefaults.EnvironmentPrefix}{key.Replace(":", "__", StringComparison.Ordinal)}";

    private static IEnumerable<string> LeafKeys(IConfigurationProvider provider)
    {
        IEnumerable<string> Walk(string? parent) =>
            provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase).SelectMany(child =>
        {
            var path = parent is null ? child : $"{parent}:{child}";
            return provider.GetChildKeys([], path).Any() ? Walk(path) : [path];
        });

        return Walk(null);
    }

    private static string Where(IConfigurationProvider provider, string key) => provider switch
    {
        JsonConfigurationProvider json =>
            json.Source.FileProvider?.GetFileInfo(json.Source.Path ?? string.Empty).PhysicalPath ?? SummitDrDefaults.FileName,
        EnvironmentVariablesConfigurationProvider => $"environment " +
            $"{SummitDrDefaults.EnvironmentPrefix}{key.Replace(":", "__", StringComparison.Ordinal)}",
        _ => "--set",
    };

    /// <summary>Levenshtein distance: the known key a typo is nearest to.</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }

        return row[b.Length];
    }
}
