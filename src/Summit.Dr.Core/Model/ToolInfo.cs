using System.Reflection;

namespace Summit.Dr.Model;

/// <summary>The tool's version, as recorded in manifests.</summary>
public sealed record ToolInfo(string Version)
{
    public static ToolInfo FromAssembly(Assembly assembly) =>
        new(assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? assembly.GetName().Version?.ToString() ?? "0.0.0");
}
