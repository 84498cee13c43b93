using System.Runtime.InteropServices;
using Summit.Dr.Testing;

namespace Summit.Dr.Benchmark;

/// <summary>
/// summit-dr as `dotnet tool install` gives it to this machine: a Release publish, run through its own launcher (the
/// runtime identifier of this machine picks the launcher; the code is the tool package's).
/// </summary>
internal static class PublishedTool
{
    private static string? _launcher;

    public static string Launcher => _launcher ?? throw new InvalidOperationException("Call PublishAsync first.");

    public static async Task PublishAsync()
    {
        var output = Path.Combine(Path.GetTempPath(), "summit-dr-bench-tool");
        var project = Path.Combine(Repo.Root, "src", "Summit.Dr.Tool", "Summit.Dr.Tool.csproj");
        // Empty first: publish copies a file only when it is newer, so a newer build of other code left here would be what runs.
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        await Sh.RequireAsync(
            "dotnet", "publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "--self-contained", "false",
            "-o", output, "--nologo");
        _launcher = Path.Combine(output, "summit-dr");
    }
}
