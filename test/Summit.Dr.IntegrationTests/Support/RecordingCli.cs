using Summit.Dr.Testing;


namespace Summit.Dr.IntegrationTests.Support;

/// <summary>A docker CLI under another name that records every call's arguments, then runs the real one.</summary>
internal sealed class RecordingCli
{
    private const char Separator = '\u001f';
    private readonly string _calls;

    private RecordingCli(string path, string calls)
    {
        Path = path;
        _calls = calls;
    }

    public string Path { get; }

    public string Name => System.IO.Path.GetFileName(Path);

    public static RecordingCli Create(string directory)
    {
        var path = System.IO.Path.Combine(directory, "recording-docker");
        var calls = System.IO.Path.Combine(directory, "recording-docker.calls");
        var docker = Sh.RequireAsync("sh", "-c", "command -v docker").GetAwaiter().GetResult().Trim();
        // One call's line is written under a lock: the tool runs some docker commands side by side (Neo4j's store and
        // its transaction logs are moved at once), and their arguments must not interleave in the record.
        File.WriteAllText(path, $"#!/bin/sh\nexec 9>>'{calls}.lock'\nflock 9\nfor a in \"$@\"; do printf '%s\\037' \"$a\" >> '{calls}'; " +
            $"done\necho >> '{calls}'\nexec 9>&-\nexec '{docker}' \"$@\"\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new RecordingCli(path, calls);
    }

    /// <summary>The calls since the last take, each as its argument list.</summary>
    public IReadOnlyList<string[]> TakeCalls()
    {
        if (!File.Exists(_calls))
        {
            return [];
        }

        var calls = File.ReadAllText(_calls).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.TrimEnd(Separator).Split(Separator))
            .ToList();
        File.Delete(_calls);
        return calls;
    }
}
