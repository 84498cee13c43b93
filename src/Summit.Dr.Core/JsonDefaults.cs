using System.Text.Json;
using System.Text.Json.Serialization;

namespace Summit.Dr;

/// <summary>One JSON style for every file and document the tool writes: camelCase, indented, enums as strings.</summary>
public static class JsonDefaults
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
