namespace Summit.Dr.Testing;

/// <summary>
/// A docker CLI in front of the real one, for `--docker`: it numbers every call the tool makes (one line each in
/// <see cref="CallLog"/>) and, when told to, holds the Nth before it starts, so a test can interrupt a run at exactly that
/// command. The held call waits until <see cref="Release"/>, then runs: as a long docker command would, it goes on after a
/// terminal's Ctrl+C (the tool runs its children in sessions of their own) unless the tool interrupts it.
/// </summary>
public sealed class DockerShim : IDisposable
{
    private DockerShim(string directory) => Directory = directory;

    public string Directory { get; }

    public string Path => System.IO.Path.Combine(Directory, "docker");

    public string CallLog => System.IO.Path.Combine(Directory, "calls");

    private string Reached => System.IO.Path.Combine(Directory, "reached");

    private string Released => System.IO.Path.Combine(Directory, "release");

    private string Target => System.IO.Path.Combine(Directory, "target");

    public static DockerShim Create()
    {
        var shim = new DockerShim(System.IO.Directory.CreateTempSubdirectory("summit-dr-shim-").FullName);
        var docker = FindDocker();
        File.WriteAllText(shim.Path, $$"""
            #!/bin/sh
            # Numbers the call under a lock (calls run side by side), then holds the target one.
            dir='{{shim.Directory}}'
            n=$(flock "$dir/lock" sh -c 'echo "$1" >> "$0/calls"; wc -l < "$0/calls"' "$dir" "$*")
            if [ -f "$dir/target" ] && [ "$n" = "$(cat "$dir/target")" ]; then
              echo "$*" > "$dir/reached"
              i=0
              while [ ! -f "$dir/release" ] && [ $i -lt 2400 ]; do sleep 0.05; i=$((i + 1)); done
            fi
            exec '{{docker}}' "$@"
            """.Replace("\r", string.Empty, StringComparison.Ordinal));
        File.SetUnixFileMode(shim.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return shim;
    }

    /// <summary>The calls so far, in the order they started.</summary>
    public IReadOnlyList<string> Calls => File.Exists(CallLog) ? File.ReadAllLines(CallLog) : [];

    /// <summary>Forgets the calls, and holds the <paramref name="call"/>th call of the next run (1-based), or none.</summary>
    public void HoldAt(int? call)
    {
        File.Delete(CallLog);
        File.Delete(Reached);
        File.Delete(Released);
        if (call is { } n)
        {
            File.WriteAllText(Target, n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            File.Delete(Target);
        }
    }

    /// <summary>The held call's arguments once it is reached; null before.</summary>
    public string? HeldCall => File.Exists(Reached) ? File.ReadAllText(Reached).Trim() : null;

    /// <summary>Lets the held call go on to the real docker CLI.</summary>
    public void Release() => File.WriteAllText(Released, string.Empty);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private static string FindDocker() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':').Select(d => System.IO.Path.Combine(d, "docker"))
            .FirstOrDefault(File.Exists) ?? "/usr/bin/docker";
}
