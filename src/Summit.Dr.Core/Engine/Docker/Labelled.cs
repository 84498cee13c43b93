namespace Summit.Dr.Engine.Docker;

/// <summary>A container or volume found by label: its name, its id (a volume's is its name) and the values of the labels
/// asked for, in their order (empty where it has none).</summary>
public sealed record Labelled(string Name, string Id, IReadOnlyList<string> Values);
