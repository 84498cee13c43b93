using System.Text.Json;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Model;

namespace Summit.Dr.Operations.Kept;

/// <summary>
/// `.summit-dr-undo.json` in the backup root: the kept states, oldest first. Normally one (the last
/// restore's); two while a restore runs, since a restore replaces the state kept before it only once it
/// has succeeded. Written atomically.
/// </summary>
public static class KeptStateStore
{
    public const string FileName = ".summit-dr-undo.json";

    public static string PathIn(string root) => Path.Combine(root, FileName);

    public static IReadOnlyList<KeptState> Read(string root)
    {
        var path = PathIn(root);
        if (SafeFiles.ReadOwn(path) is not { } bytes)
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<KeptState>>(bytes, JsonDefaults.Options) ?? [];
        }
        catch (JsonException ex)
        {
            throw new IntegrityException($"{path} does not parse ({ex.Message}); it records what the last restore kept aside. Inspect " +
                $"it, and delete it only once you know nothing is to be put back.", ex);
        }
    }

    /// <summary>The state of the last restore that completed, which `undo` puts back.</summary>
    public static KeptState? LastComplete(string root) => Read(root).LastOrDefault(s => s.Complete);

    /// <summary>Replaces the state with <paramref name="state"/>'s id, or adds it.</summary>
    public static void Save(string root, KeptState state) =>
        Write(root, [.. Read(root).Where(s => s.Id != state.Id), state]);

    public static void Remove(string root, string id) => Write(root, Read(root).Where(s => s.Id != id).ToList());

    private static void Write(string root, List<KeptState> states)
    {
        var path = PathIn(root);
        if (states.Count == 0)
        {
            File.Delete(path);
            return;
        }

        PrivateFiles.CreateDirectory(root);
        SafeFiles.WriteAtomically(path, stream => JsonSerializer.Serialize(stream, states, JsonDefaults.Options));
    }
}
