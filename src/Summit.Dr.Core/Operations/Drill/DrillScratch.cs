using System.Text.Json;
using Microsoft.Extensions.Logging;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Model;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Stores.Neo4j;

namespace Summit.Dr.Operations.Drill;

/// <summary>
/// Everything one drill creates: containers and volumes labelled <see cref="Label"/>=id (and the owning
/// process in <see cref="OwnerLabel"/>), never the live ones' names or volumes, `--network none`; and a
/// directory under the system temp dir. Disposing removes all of it unless kept. A run that was killed
/// leaves them behind; <see cref="RemoveLeftoversAsync"/> finds them by label and removes those whose owner is gone.
/// </summary>
public sealed class DrillScratch : IAsyncDisposable
{
    public const string Label = "summit-dr.drill";
    public const string OwnerLabel = "summit-dr.drill.owner";
    private const string DirectoryPrefix = "summit-dr-drill-";
    private const string KeptMarker = ".kept";
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(60);

    private readonly DockerCli _docker;
    private readonly ILogger _logger;
    private readonly List<string> _containers = [];
    private readonly List<string> _volumes = [];
    private readonly string _owner;

    public DrillScratch(DockerCli docker, string id, ILogger logger)
    {
        _docker = docker;
        _logger = logger;
        Id = id;
        _owner = Owner(ProcessIdentity.Current());
        Directory = Path.Combine(Path.GetTempPath(), DirectoryPrefix + id);
        // Private: a drill decrypts the uploads in here.
        PrivateFiles.CreateDirectory(Directory);
        PrivateFiles.Restrict(Directory);
        File.WriteAllText(Path.Combine(Directory, ".owner"), _owner);
    }

    public string Id { get; }

    /// <summary>The scratch directory: the uploads are extracted under it.</summary>
    public string Directory { get; }

    /// <summary>Leave everything for inspection; marked in the directory, so later runs do not take it for a leftover.</summary>
    public bool Keep
    {
        get => File.Exists(Path.Combine(Directory, KeptMarker));
        set
        {
            if (value)
            {
                File.WriteAllText(Path.Combine(Directory, KeptMarker), "kept with --keep\n");
            }
        }
    }

    public IReadOnlyList<string> Containers => _containers;

    public IReadOnlyList<string> Volumes => _volumes;

    public string NameFor(string role) => $"summit-dr-drill-{Id}-{role}";

    /// <summary>
    /// Creates (and with <paramref name="start"/>, starts) a container of <paramref name="image"/> with a fresh
    /// labelled volume at every path the image declares as a volume, so nothing anonymous is left behind.
    /// <paramref name="environment"/> values travel in the docker CLI's environment, never in its arguments.
    /// </summary>
    public async Task<ContainerInfo> RunAsync(
        string role, string image, IReadOnlyDictionary<string, string> environment, bool start, CancellationToken cancellationToken)
    {
        var mounts = new List<string>();
        var index = 0;
        foreach (var target in await DeclaredVolumesAsync(image, cancellationToken))
        {
            var volume = $"{NameFor(role)}-{index++}";
            Require(await _docker.RunAsync(_docker.Spec(["volume", "create", .. Labels(), volume]), cancellationToken),
                $"create the volume {volume}");
            _volumes.Add(volume);
            mounts.AddRange(["--mount", new VolumeMount(volume, target).Argument]);
        }

        var name = NameFor(role);
        _containers.Add(name);
        // Only an image this engine already has: a drill never pulls one.
        string[] verb = start ? ["run", "-d", "--pull", "never"] : ["create", "--pull", "never"];
        var spec = _docker.Spec([
            .. verb, "--name", name, "--network", "none", .. Labels(),
            .. environment.Keys.SelectMany(k => new[] { "-e", k }), .. mounts, image,
        ]) with
        { Environment = environment };
        var result = await _docker.RunAsync(spec, cancellationToken);
        if (!result.Succeeded)
        {
            throw new OperationFailedException($"Could not {(start ? "start" : "create")} a scratch container of {image}: " +
                $"{result.ErrorSummary}. Check that the image exists (`{_docker.CommandName} image inspect {image}`).");
        }

        return await _docker.InspectAsync(name, cancellationToken)
            ?? throw new OperationFailedException($"The scratch container {name} vanished right after it was created.");
    }

    public async ValueTask DisposeAsync()
    {
        if (Keep)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(CleanupTimeout);
        // The workbench neo4j-admin ran in holds the volumes through --volumes-from: it goes first.
        foreach (var container in _containers.Select(c => Neo4jWorkbench.NameFor(c)).Concat(_containers))
        {
            await RemoveContainerAsync(_docker, container, _logger, timeout.Token);
        }

        foreach (var volume in _volumes)
        {
            await RemoveVolumeAsync(_docker, volume, _logger, timeout.Token);
        }

        DeleteDirectory(Directory, _logger);
    }

    /// <summary>
    /// Removes what drills of processes that are gone left behind: containers and volumes by label, scratch
    /// directories by their owner file. Quiet: a leftover that cannot be removed now is tried again next time.
    /// </summary>
    public static async Task RemoveLeftoversAsync(DockerCli docker, ILogger logger, CancellationToken cancellationToken)
    {
        foreach (var (name, owner, id) in await RowsAsync(docker, volumes: false, cancellationToken))
        {
            if (!IsAlive(owner) && !IsKept(id))
            {
                logger.LogWarning("Removing drill container {Name}, left by a summit-dr run that is gone", name);
                if (OneOffOwner.PidOf(owner) is { } pid)
                {
                    await RemoveContainerAsync(docker, Neo4jOneOffs.Name(Purposes.Admin, name, pid), logger, cancellationToken);
                }

                await RemoveContainerAsync(docker, name, logger, cancellationToken);
            }
        }

        foreach (var (name, owner, id) in await RowsAsync(docker, volumes: true, cancellationToken))
        {
            if (!IsAlive(owner) && !IsKept(id))
            {
                logger.LogWarning("Removing drill volume {Name}, left by a summit-dr run that is gone", name);
                await RemoveVolumeAsync(docker, name, logger, cancellationToken);
            }
        }

        foreach (var directory in System.IO.Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            var owner = Path.Combine(directory, ".owner");
            if (File.Exists(owner) && !IsAlive(File.ReadAllText(owner)) && !File.Exists(Path.Combine(directory, KeptMarker)))
            {
                DeleteDirectory(directory, logger);
            }
        }
    }

    private string[] Labels() => ["--label", $"{Label}={Id}", "--label", $"{OwnerLabel}={_owner}"];

    private async Task<IReadOnlyList<string>> DeclaredVolumesAsync(string image, CancellationToken cancellationToken)
    {
        var result = await _docker.RunAsync(
            _docker.Spec(["image", "inspect", "--format", "{{json .Config.Volumes}}", image]), cancellationToken);
        if (!result.Succeeded)
        {
            throw new OperationFailedException($"The image {image} is not on this engine: {result.ErrorSummary}. Pull it " +
                $"(`{_docker.CommandName} pull {image}`) or set the drill's image in the configuration.");
        }

        var json = result.StandardOutput.Trim();
        return json is "" or "null"
            ? []
            : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!.Keys.Order(StringComparer.Ordinal).ToList();
    }

    private static string Owner(ProcessIdentity identity) => identity.Token;

    private static bool IsAlive(string owner) => ProcessIdentity.IsAlive(owner);

    /// <summary>Drill containers or volumes: each with the run that owns it and the drill it belongs to.</summary>
    private static async Task<IEnumerable<(string Name, string Owner, string Id)>> RowsAsync(
        DockerCli docker, bool volumes, CancellationToken cancellationToken) =>
        (await docker.LabelledAsync(volumes, Label, [OwnerLabel, Label], cancellationToken))
            .Select(r => (r.Name, r.Values[0], r.Values[1]));

    private static bool IsKept(string id) =>
        id.Length > 0 && File.Exists(Path.Combine(Path.GetTempPath(), DirectoryPrefix + id, KeptMarker));

    private static async Task RemoveContainerAsync(DockerCli docker, string name, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await docker.RemoveIfPresentAsync(name, anonymousVolumes: false, cancellationToken);
        }
        catch (OperationFailedException ex)
        {
            logger.LogWarning("Could not remove drill container {Name}: {Error}", name, ex.Message);
        }
    }

    private static async Task RemoveVolumeAsync(DockerCli docker, string name, ILogger logger, CancellationToken cancellationToken)
    {
        // `volume rm --force` succeeds for a volume that is gone.
        var result = await docker.RunAsync(docker.Spec(["volume", "rm", "--force", name]), cancellationToken);
        if (!result.Succeeded)
        {
            logger.LogWarning("Could not remove drill volume {Name}: {Error}. Remove it with `{Cli} volume rm " +
                "{Name}`", name, result.ErrorSummary, docker.CommandName, name);
        }
    }

    private static void DeleteDirectory(string directory, ILogger logger)
    {
        try
        {
            if (System.IO.Directory.Exists(directory))
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not remove the drill directory {Directory}: {Error}", directory, ex.Message);
        }
    }

    private static void Require(ProcessResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new OperationFailedException($"Could not {what}: {result.ErrorSummary}");
        }
    }
}
