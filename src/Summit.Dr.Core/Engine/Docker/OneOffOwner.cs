using System.Globalization;
using Microsoft.Extensions.Logging;
using Summit.Dr.Model;

namespace Summit.Dr.Engine.Docker;

/// <summary>
/// The containers a run keeps beside the platform for a while (the workbenches) carry the run that started them in a
/// label: a run that died leaves them to any later command, which removes them; a run that lives keeps its own, and a second
/// run on the same platform is refused instead of taking them away.
/// </summary>
public static class OneOffOwner
{
    public const string Label = "summit-dr.owner";

    private static readonly Lazy<string> Self = new(() => ProcessIdentity.Current().Token);

    /// <summary>
    /// A one-off's name for this run (or the run of <paramref name="pid"/>): the name says which run made it, so no run's
    /// one-off ever takes the name of another's.
    /// </summary>
    public static string Named(string name, int? pid = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{name}-{pid ?? Environment.ProcessId}");

    /// <summary>The pid in an owner token (`host/pid/start`), or null.</summary>
    public static int? PidOf(string owner) => ProcessIdentity.Parse(owner)?.Pid;

    /// <summary>Whether this run made <paramref name="container"/>.</summary>
    public static bool IsOwn(ContainerInfo container) => container.Labels.GetValueOrDefault(Label) == Self.Value;

    /// <summary>
    /// Says a one-off's anonymous volumes are its alone and go with it: one created from a server's image gets that image's
    /// VOLUMEs (the lock), unlike a workbench, whose volumes are the server's (`--volumes-from`) and stay.
    /// </summary>
    public const string VolumesLabel = "summit-dr.volumes";

    /// <summary>This run's `--label`s; with <paramref name="ownVolumes"/>, also <see cref="VolumesLabel"/>.</summary>
    public static IReadOnlyList<string> Labels(bool ownVolumes = false) =>
        ownVolumes ? ["--label", $"{Label}={Self.Value}", "--label", VolumesLabel + "=own"] : ["--label", $"{Label}={Self.Value}"];

    /// <summary>The owner of <paramref name="container"/> when it is another run that is still alive; else null.</summary>
    public static string? OtherLiveOwner(ContainerInfo container) =>
        container.Labels.TryGetValue(Label, out var owner) && !IsOwn(container) && ProcessIdentity.IsAlive(owner) ? owner : null;

    /// <summary>Removes the containers of runs that are gone, saying so; quiet when one cannot be removed now (tried again next
    /// time).</summary>
    public static async Task RemoveLeftoversAsync(DockerCli docker, ILogger logger, CancellationToken cancellationToken)
    {
        foreach (var found in await docker.LabelledAsync(volumes: false, Label, [Label, VolumesLabel], cancellationToken))
        {
            if (!ProcessIdentity.IsAlive(found.Values[0]))
            {
                logger.LogWarning("Removing {Name}, left behind by a summit-dr run that is gone ({Owner})", found.Name, found.Values[0]);
                // By id: a lock the running command took over in the meantime has the same name and is not this one.
                await docker.RemoveIfPresentAsync(found.Id, anonymousVolumes: found.Values[1] == "own", cancellationToken);
            }
        }
    }
}
