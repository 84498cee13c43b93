using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Summit.Dr.Errors;
using Summit.Dr.Engine.Processes;

namespace Summit.Dr.Engine.Docker;

/// <summary>The docker CLI (or a compatible one such as podman), driven through the process seam.</summary>
public sealed class DockerCli
{
    private readonly IProcessRunner _runner;

    public DockerCli(IProcessRunner runner, string executable)
    {
        _runner = runner;
        Executable = executable;
    }

    public string Executable { get; }

    /// <summary>The CLI's name as a user types it (`docker`, `podman`): what each message's command to run starts with.</summary>
    public string CommandName => CommandNameOf(Executable);

    /// <summary><see cref="CommandName"/> of a configured CLI (Docker:Path).</summary>
    public static string CommandNameOf(string executable) => Path.GetFileName(executable);

    public ProcessSpec Spec(IReadOnlyList<string> arguments) => new(Executable, arguments);

    /// <summary>
    /// Runs a docker command. A daemon that does not answer becomes a <see cref="PreconditionException"/>;
    /// any other non-zero exit is returned for the caller to judge.
    /// </summary>
    public async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        var result = await _runner.RunAsync(spec, cancellationToken);
        if (!result.Succeeded && DockerText.IsUnreachable(result.StandardError))
        {
            throw new PreconditionException(
                $"Docker is not reachable ({result.ErrorSummary}). Start the Docker engine and check `{CommandName} " +
                    $"info`.");
        }

        return result;
    }

    /// <summary>The container with exactly this name (or full id), or null when there is none.</summary>
    public async Task<ContainerInfo?> InspectAsync(string container, CancellationToken cancellationToken)
    {
        var result = await RunAsync(Spec(DockerArgs.Inspect(container)), cancellationToken);
        // docker and podman print `[]` for a name they do not know, and exit 1.
        var info = ParsedOrNull(result.StandardOutput);
        if (!result.Succeeded && (info is not null || result.StandardOutput.Trim() != "[]"))
        {
            throw new OperationFailedException($"`{Spec(DockerArgs.Inspect(container)).Display}` failed: {result.ErrorSummary}");
        }

        // docker also resolves id prefixes; only an exact name or the full id counts as this container.
        return info is not null && (info.Name == container || info.Id == container) ? info : null;
    }

    /// <summary>The container, or a precondition failure (exit 3) that says how to find the right name.</summary>
    /// <param name="what">How an operator calls it: "PostgreSQL", "Neo4j".</param>
    /// <param name="key">The setting that names it.</param>
    /// <param name="hint">What discovery knows that helps (a compose service of that name in another project), or null.</param>
    /// <param name="known">The container as inspected moments ago (by discovery), to save inspecting it again.</param>
    public async Task<ContainerInfo> RequireAsync(
        string container, string what, string key, string? hint, ContainerInfo? known, CancellationToken cancellationToken) =>
        known ?? await InspectAsync(container, cancellationToken)
            ?? throw new PreconditionException(NotFoundMessage(container, what, key, hint));

    /// <summary>The running container, or a precondition failure that says how to start it and what to run then.</summary>
    public async Task<ContainerInfo> RequireRunningAsync(
        string container, string what, string key, string then, string? hint, ContainerInfo? known, CancellationToken cancellationToken)
    {
        var info = await RequireAsync(container, what, key, hint, known, cancellationToken);
        return info.Running
            ? info
            : throw new PreconditionException($"{what} container '{container}' is {info.Status}, not running. Start it with " +
                $"`{CommandName} start {container}` and {then}.");
    }

    private string NotFoundMessage(string container, string what, string key, string? hint) =>
        hint is null
            ? $"{what} container '{container}' not found. List containers with `{CommandName} ps -a` and set {key} to the right name."
            : $"{what} container '{container}' not found. {hint}";

    public async Task StopAsync(string container, TimeSpan timeout, CancellationToken cancellationToken) =>
        await RequireAsync(Spec(DockerArgs.Stop(container, timeout)), cancellationToken);

    public async Task StartAsync(string container, CancellationToken cancellationToken) =>
        await RequireAsync(Spec(DockerArgs.Start(container)), cancellationToken);

    /// <summary>Removes a container if it exists; a container that is already gone is fine.</summary>
    public async Task RemoveIfPresentAsync(string container, bool anonymousVolumes, CancellationToken cancellationToken)
    {
        var result = await RunAsync(Spec(DockerArgs.RemoveForce(container, anonymousVolumes)), cancellationToken);
        await RequireRemovedAsync(container, result, cancellationToken);
    }

    /// <summary>
    /// Judges a `rm --force` of <paramref name="container"/>: a container that is gone is fine (`rm --force` succeeds for one;
    /// where a CLI does not, inspect says whether it is); one that is still there fails with what to run.
    /// </summary>
    public async Task RequireRemovedAsync(string container, ProcessResult result, CancellationToken cancellationToken)
    {
        if (!result.Succeeded && await InspectAsync(container, cancellationToken) is not null)
        {
            throw new OperationFailedException($"Could not remove container {container}: {result.ErrorSummary}. Remove it with " +
                $"`{CommandName} rm -f {container}`.");
        }
    }

    /// <summary>
    /// The containers (or, with <paramref name="volumes"/>, the volumes) that carry <paramref name="label"/>: each its name, its id
    /// (a volume's is its name), and the value of each of <paramref name="labels"/> (empty where it has none). Nothing when the
    /// engine cannot say: a caller looking for leftovers looks again next time. The names are listed, then their labels read
    /// from one inspect: a list's `{{.Label "x"}}` is docker's alone (podman 4 has no such field, and docker's `.Labels` is not
    /// podman's map).
    /// </summary>
    public async Task<IReadOnlyList<Labelled>> LabelledAsync(
        bool volumes, string label, IReadOnlyList<string> labels, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> list = volumes ? ["volume", "ls"] : ["ps", "-a"];
        var listed = await RunAsync(
            Spec([.. list, "--filter", "label=" + label, "--format", volumes ? "{{.Name}}" : "{{.Names}}"]), cancellationToken);
        var names = listed.Succeeded
            ? listed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        if (names.Length == 0)
        {
            return [];
        }

        // One that went between the two commands is missing from the answer (and the exit code says so); the others are in it.
        var inspected = await RunAsync(
            Spec(volumes ? ["volume", "inspect", .. names] : ["inspect", "--type", "container", .. names]), cancellationToken);
        return LabelRows(inspected.StandardOutput, volumes, labels);
    }

    /// <summary>Name, id and label values of each container (`Config.Labels`) or volume (`Labels`) an inspect printed.</summary>
    internal static IReadOnlyList<Labelled> LabelRows(string json, bool volumes, IReadOnlyList<string> labels)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            var rows = new List<Labelled>();
            foreach (var item in document.RootElement.EnumerateArray())
            {
                var holder = volumes ? item : item.TryGetProperty("Config", out var config) ? config : default;
                var values = holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty("Labels", out var found)
                    && found.ValueKind == JsonValueKind.Object ? found : default;
                var name = Text(item, "Name").TrimStart('/');
                rows.Add(new Labelled(name, volumes ? name : Text(item, "Id"), labels.Select(l => Text(values, l)).ToList()));
            }

            return rows;
        }
        catch (JsonException)
        {
            return [];
        }

        static string Text(JsonElement element, string property) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value)
                && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;
    }

    private async Task RequireAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        var result = await RunAsync(spec, cancellationToken);
        if (!result.Succeeded)
        {
            throw new OperationFailedException($"`{spec.Display}` failed: {result.ErrorSummary}");
        }
    }

    private static ContainerInfo? ParsedOrNull(string json)
    {
        try
        {
            return json.TrimStart().StartsWith('[') ? ParseInspect(json) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static ContainerInfo? ParseInspect(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Array || document.RootElement.GetArrayLength() == 0)
        {
            return null;
        }

        var root = document.RootElement[0];
        var config = root.GetProperty("Config");
        var state = root.GetProperty("State");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (config.TryGetProperty("Env", out var env) && env.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in env.EnumerateArray().Select(e => e.GetString() ?? string.Empty))
            {
                var equals = entry.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    environment[entry[..equals]] = entry[(equals + 1)..];
                }
            }
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (config.TryGetProperty("Labels", out var labelElement) && labelElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var label in labelElement.EnumerateObject())
            {
                labels[label.Name] = label.Value.GetString() ?? string.Empty;
            }
        }

        return new ContainerInfo(
            Id: root.GetProperty("Id").GetString() ?? string.Empty,
            Name: (root.GetProperty("Name").GetString() ?? string.Empty).TrimStart('/'),
            Image: config.GetProperty("Image").GetString() ?? string.Empty,
            Running: state.GetProperty("Running").GetBoolean(),
            Status: state.TryGetProperty("Status", out var status) ? status.GetString() ?? string.Empty : string.Empty,
            Environment: environment,
            Labels: labels,
            User: config.TryGetProperty("User", out var user) ? user.GetString() ?? string.Empty : string.Empty)
        {
            ImageId = root.TryGetProperty("Image", out var image) ? image.GetString() ?? string.Empty : string.Empty,
            Created = root.TryGetProperty("Created", out var created) && created.ValueKind == JsonValueKind.String
                // The engine writes nanoseconds; .NET reads seven digits of a second.
                && DateTimeOffset.TryParse(Regex.Replace(created.GetString()!, @"(\.\d{7})\d+", "$1"), CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal, out var at) ? at : null,
        };
    }
}
