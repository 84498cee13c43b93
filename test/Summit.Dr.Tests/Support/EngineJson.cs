using System.Text.Json;

namespace Summit.Dr.Tests.Support;

/// <summary>What `docker inspect` and `docker volume inspect` print, reduced to names and labels.</summary>
public static class EngineJson
{
    /// <summary>Containers with one label each: `Config.Labels`, the name with docker's slash.</summary>
    public static string Containers(params (string Name, string Key, string Value)[] containers) =>
        Containers(containers.Select(c => (c.Name, new Dictionary<string, string> { [c.Key] = c.Value })).ToArray());

    public static string Containers(params (string Name, Dictionary<string, string> Labels)[] containers) => JsonSerializer.Serialize(
        containers.Select(c => new { Name = "/" + c.Name, Config = new { c.Labels } }));

    /// <summary>Volumes: `Labels` at the top.</summary>
    public static string Volumes(params (string Name, Dictionary<string, string> Labels)[] volumes) => JsonSerializer.Serialize(
        volumes.Select(v => new { v.Name, v.Labels }));
}
