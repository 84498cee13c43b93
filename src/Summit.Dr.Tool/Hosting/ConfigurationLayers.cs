using Microsoft.Extensions.Configuration;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;

namespace Summit.Dr.Tool.Hosting;

/// <summary>
/// Configuration, later wins: defaults (the runbook's names) &lt; summit-dr.json (or --config) &lt;
/// SUMMIT_DR_Section__Key environment variables &lt; --docker and --set.
/// </summary>
internal static class ConfigurationLayers
{
    /// <summary>Layers the configuration; returns where it came from, which every run says first.</summary>
    public static string Apply(IConfigurationBuilder configuration, GlobalOptions globals, WorkingDirectory workingDirectory)
    {
        configuration.Sources.Clear();
        configuration.AddInMemoryCollection(SummitDrDefaults.Values);
        var file = globals.ConfigFile is null ? workingDirectory.Resolve(SummitDrDefaults.FileName) : Path.GetFullPath(globals.ConfigFile);
        if (globals.ConfigFile is not null && !File.Exists(file))
        {
            throw new UsageException($"--config {file} does not exist.");
        }

        if (File.Exists(file))
        {
            try
            {
                configuration.AddJsonFile(file, optional: false, reloadOnChange: false);
            }
            catch (InvalidDataException ex)
            {
                throw ConfigurationErrors.NotJson(file, ex);
            }
        }

        configuration.AddEnvironmentVariables(SummitDrDefaults.EnvironmentPrefix);
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var setting in globals.Settings)
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"--set {setting}: expected Section:Key=value, e.g. --set Postgres:Container=db.");
            }

            overrides[setting[..equals].Trim()] = setting[(equals + 1)..];
        }

        if (globals.Docker is not null)
        {
            overrides["Docker:Path"] = globals.Docker;
        }

        configuration.AddInMemoryCollection(overrides);
        return $"working directory {workingDirectory.Path}, " + (File.Exists(file) ? $"settings from {file}"
            : $"no settings file ({file} does not exist: the defaults, SUMMIT_DR_ variables and --set)");
    }
}
