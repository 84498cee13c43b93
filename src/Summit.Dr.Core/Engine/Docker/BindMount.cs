namespace Summit.Dr.Engine.Docker;

/// <summary>
/// A host directory or file seen inside a container. Written as `--mount type=bind,...`, which refuses a
/// source the engine cannot see instead of creating an empty directory on the engine's host, as `-v` does.
/// </summary>
public sealed record BindMount(string Source, string Target, bool ReadOnly = false)
{
    /// <summary>The `--mount` value. It is read as CSV, so a field holding a comma or a quote is quoted.</summary>
    public string Argument
    {
        get
        {
            var fields = new List<string> { "type=bind", Field("source=" + Source), Field("target=" + Target) };
            if (ReadOnly)
            {
                fields.Add("readonly");
            }

            return string.Join(',', fields);
        }
    }

    private static string Field(string value) =>
        value.Contains(',', StringComparison.Ordinal) || value.Contains('"', StringComparison.Ordinal)
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
}
