using CliWrap.Buffered;

namespace Summit.Dr.Testing;

/// <summary>
/// An engine the tests drive through its CLI: the suite's docker engine, or podman, which keeps its own containers, volumes and
/// images apart from dockerd's (.ci/podman-engine.sh installs it and loads the fixture images into it).
/// </summary>
public sealed record ContainerEngine(string Program)
{
    public static ContainerEngine Docker { get; } = new("docker");

    public static ContainerEngine Podman { get; } = new("podman");

    /// <summary>What points summit-dr at this engine: nothing for docker, its default; `--docker podman` otherwise.</summary>
    public IReadOnlyList<string> ToolArgs => Program == "docker" ? [] : ["--docker", Program];

    public Task<BufferedCommandResult> RunAsync(params string[] args) => Sh.RunAsync(Program, args);

    public Task<string> RequireAsync(params string[] args) => Sh.RequireAsync(Program, args);

    /// <summary>The names of the containers, running or not, whose name contains <paramref name="part"/>.</summary>
    public async Task<IReadOnlyList<string>> ContainersNamedAsync(string part) =>
        (await RequireAsync("ps", "-a", "--filter", "name=" + part, "--format", "{{.Names}}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(n => n.Contains(part, StringComparison.Ordinal)).ToList();

    /// <summary>Every volume the engine has, by name.</summary>
    public async Task<IReadOnlyList<string>> VolumesAsync() =>
        (await RequireAsync("volume", "ls", "--format", "{{.Name}}")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
