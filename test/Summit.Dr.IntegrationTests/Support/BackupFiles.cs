using System.Text.Json.Nodes;

namespace Summit.Dr.IntegrationTests.Support;

/// <summary>Copies of a good backup that a test then damages in one way.</summary>
internal static class BackupFiles
{
    /// <summary>
    /// A copy under <paramref name="name"/>, its manifest naming it so (a backup is taken only under the name its manifest
    /// gives): another backup with the same bytes, for a test to damage. A signature no longer matches the copy's manifest.
    /// </summary>
    public static string Copy(string good, string root, string name)
    {
        var copy = Path.Combine(root, name);
        if (Directory.Exists(copy))
        {
            Directory.Delete(copy, recursive: true);
        }

        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(good))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        if (File.Exists(Path.Combine(copy, "manifest.json")))
        {
            EditManifest(copy, manifest => manifest["name"] = name);
        }

        return copy;
    }

    public static void EditManifest(string directory, Action<JsonNode> edit)
    {
        var path = Path.Combine(directory, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(path))!;
        edit(manifest);
        File.WriteAllText(path, manifest.ToJsonString());
    }
}
