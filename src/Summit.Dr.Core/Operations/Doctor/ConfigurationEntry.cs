using System.Text.Json.Serialization;

namespace Summit.Dr.Operations.Doctor;

/// <summary>One effective setting, where it came from, with secrets masked. An unset value is written as null.</summary>
public sealed record ConfigurationEntry(
    string Key,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Value,
    string Source);
