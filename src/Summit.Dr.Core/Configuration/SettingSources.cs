using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;

namespace Summit.Dr.Configuration;

/// <summary>
/// Where each setting's effective value came from: the built-in default, summit-dr.json, an environment
/// variable, the command line, or discovery. Discovery fills only settings nobody set.
/// </summary>
public sealed class SettingSources
{
    public const string Default = "default";
    private readonly IConfigurationRoot? _root;
    private readonly Dictionary<string, string> _discovered = new(StringComparer.OrdinalIgnoreCase);

    public SettingSources(IConfigurationRoot? root)
    {
        _root = root;
    }

    public bool IsSet(string key) => SourceOf(key) != Default;

    public string SourceOf(string key)
    {
        if (_discovered.TryGetValue(key, out var discovered))
        {
            return discovered;
        }

        var providers = _root?.Providers.ToList() ?? [];
        for (var i = providers.Count - 1; i >= 0; i--)
        {
            if (providers[i].TryGet(key, out _))
            {
                return providers[i] switch
                {
                    MemoryConfigurationProvider when i == 0 => Default,
                    JsonConfigurationProvider json =>
                        (json.Source.Path is { } path ? json.Source.FileProvider?.GetFileInfo(path).PhysicalPath ?? path : null)
                            ?? SummitDrDefaults.FileName,
                    EnvironmentVariablesConfigurationProvider => $"environment " +
                        $"({SummitDrDefaults.EnvironmentPrefix}{key.Replace(":", "__", StringComparison.Ordinal)})",
                    _ => "command line",
                };
            }
        }

        return Default;
    }

    public void RecordDiscovered(string key, string source) => _discovered[key] = source;
}
