using System.Text.Json;
using System.Text.Json.Serialization;

namespace Summit.Dr.Model;

/// <summary>One JSON style for every file and document the tool writes: camelCase, indented, enums as strings.</summary>
public static class JsonDefaults
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // Manifests are read by people too: keep `+` and quotes readable; nothing here is embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // A manifest missing a field it must have is damaged, not a record full of nulls.
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
