namespace Summit.Dr.Testing;

/// <summary>A small uploads tree with what trips archivers up: nesting, an empty directory, spaces and non-ASCII names.</summary>
public static class UploadsSample
{
    /// <summary>Creates `uploads/` under <paramref name="directory"/>: 3 files, 200,006 bytes, 4 directories.</summary>
    public static string Create(string directory)
    {
        var uploads = Path.Combine(directory, "uploads");
        Directory.CreateDirectory(Path.Combine(uploads, "imports", "2025"));
        Directory.CreateDirectory(Path.Combine(uploads, "empty"));
        File.WriteAllText(Path.Combine(uploads, "imports", "a.csv"), "id\n1\n");
        File.WriteAllBytes(Path.Combine(uploads, "imports", "2025", "bundle.stix.json"), new byte[200_000]);
        File.WriteAllText(Path.Combine(uploads, "name with spaces & ünïcode.txt"), "x");
        return uploads;
    }
}
