namespace Summit.Dr.Testing;

/// <summary>A file as summit-dr writes its journals and records: this user's, mode 0600, so summit-dr reads it back.</summary>
public static class OwnFile
{
    public static void Write(string path, string text)
    {
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
