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
public sealed class KeptStateStore(BackupRoot root)
{
    public const string FileName = ".summit-dr-undo.json";

    /// <summary>The backup root it lies in (whose lock guards it).</summary>
    public BackupRoot Root => root;

    /// <summary>The file in the run's backup root.</summary>
    public string FilePath => root.Of(FileName);

    /// <summary>The kept state of another backup root (the configured one, when a backup writes elsewhere): recovered too.</summary>
    public static KeptStateStore For(BackupRoot other) => new(other);

    public IReadOnlyList<KeptState> Read()
    {
        var path = FilePath;
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
    public KeptState? LastComplete() => Read().LastOrDefault(s => s.Complete);

    /// <summary>Replaces the state with <paramref name="state"/>'s id, or adds it.</summary>
    public void Save(KeptState state) => Write([.. Read().Where(s => s.Id != state.Id), state]);

    public void Remove(string id) => Write(Read().Where(s => s.Id != id).ToList());

    private void Write(List<KeptState> states)
    {
        var path = FilePath;
        if (states.Count == 0)
        {
            File.Delete(path);
            return;
        }

        PrivateFiles.CreateDirectory(root.Path);
        SafeFiles.WriteAtomically(path, stream => JsonSerializer.Serialize(stream, states, JsonDefaults.Options));
    }
}
