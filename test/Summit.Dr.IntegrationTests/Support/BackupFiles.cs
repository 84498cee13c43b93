using System.Text.Json.Nodes;

namespace Summit.Dr.IntegrationTests.Support;

/// <summary>Copies of a good backup that a test then damages in one way.</summary>
internal static class BackupFiles
{
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
