using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Steps;

namespace Summit.Dr.Engine.Locking;

/// <summary>
/// One backup, restore or undo at a time per platform, whichever backup root each runs from. The lock is a container
/// created (never started) in the engine that runs the platform, named after the platform's two containers: the engine
/// refuses a second container of one name, so taking it is atomic, and only those who may drive the engine can touch it.
/// Its labels say who holds it; the owner label makes a lock whose process died a leftover that the next command of any
/// kind removes (<see cref="OneOffOwner"/>), and a run that meets one takes it over.
/// </summary>
/// <remarks>The containers' names are read when the lock is used: discovery may settle them after this is made.</remarks>
internal sealed class PlatformLock(DockerCli docker, SummitDrOptions options, ILogger logger)
{
    public const string OperationLabel = "summit-dr.lock";
    public const string RootLabel = "summit-dr.lock.root";
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The lock's name: the same for every run on this platform, and only for it.</summary>
    public string Name => "summit-dr-lock-" + Convert.ToHexStringLower(
        SHA256.HashData(Encoding.UTF8.GetBytes(options.Postgres.Container + "\n" + options.Neo4j.Container)))[..12];

    /// <summary>The `docker create` that takes it, from the image of <paramref name="container"/> (nothing is pulled); the engine
    /// records when.</summary>
    public IReadOnlyList<string> CreateArgs(ContainerInfo container, string operation, string root) =>
    [
        "create", "--pull", "never", "--network", "none", "--name", Name, .. OneOffOwner.Labels(ownVolumes: true),
        "--label", $"{OperationLabel}={operation}", "--label", $"{RootLabel}={root}",
        string.IsNullOrEmpty(container.ImageId) ? container.Image : container.ImageId, "true",
    ];

    /// <summary>Takes it; a live holder refuses the run (exit 3, naming it), a dead one's lock is removed and taken over.</summary>
    public Script Take(IReadOnlyList<string> args) => Script.Of(new RunCommand(docker.Spec(args), async (result, context) =>
    {
        for (var attempt = 0; !result.Succeeded; attempt++)
        {
            var holder = await docker.InspectAsync(Name, context.CancellationToken)
                ?? throw new OperationFailedException($"Could not take the platform's lock (a container named {Name} in the engine), " +
                    $"and nothing was changed: {result.ErrorSummary}");
            if (OneOffOwner.OtherLiveOwner(holder) is { } owner)
            {
                throw new LockedException(Refusal(holder, owner));
            }

            if (attempt == 2)
            {
                throw new LockedException($"Could not take the platform's lock {Name}: other summit-dr runs keep taking it. Try again " +
                    "once they finished.");
            }

            logger.LogWarning("Taking over the platform's lock {Name}, left by a summit-dr run that is gone ({Owner})", Name,
                holder.Labels.GetValueOrDefault(OneOffOwner.Label, "unknown"));
            // By id: another run taking it over at the same moment may already have made a new one of this name.
            await docker.RemoveIfPresentAsync(string.IsNullOrEmpty(holder.Id) ? Name : holder.Id, anonymousVolumes: true,
                context.CancellationToken);
            result = await context.RunAsync(docker.Spec(args));
        }
    })
    { Note = "the platform's lock: a container that never starts, named after the platform, which a run from any backup root meets" })
        .Finally(Script.Empty, onFailure: Script.InProcess("remove the lock, if this run made it", async _ =>
        {
            // Interrupted, the CLI may have ended after the engine made the container: it goes, unless another run holds it.
            using var cleanup = new CancellationTokenSource(CleanupTimeout);
            try
            {
                if (await docker.InspectAsync(Name, cleanup.Token) is { } made && OneOffOwner.IsOwn(made))
                {
                    await docker.RemoveIfPresentAsync(Name, anonymousVolumes: true, cleanup.Token);
                }
            }
            catch (Exception ex) when (ex is SummitDrException or OperationCanceledException)
            {
                logger.LogWarning("Could not remove the platform's lock {Name} ({Error}); the next run removes it", Name, ex.Message);
            }
        }));

    /// <summary>What a user runs to remove the lock by hand.</summary>
    public string RemoveByHand => $"{docker.CommandName} rm -f {Name}";

    /// <summary>Gives the platform back.</summary>
    public Script Release() =>
        Script.Of(new RunCommand(docker.Spec(DockerArgs.RemoveForce(Name, anonymousVolumes: true)), Judges.Removed(docker, Name))
        {
            Note = "the platform's lock, with the anonymous volumes its image's VOLUMEs gave it",
        });

    private string Refusal(ContainerInfo holder, string owner)
    {
        var who = ProcessIdentity.Parse(owner) is { } run ? $"pid {run.Pid} on {run.Host}" : owner;
        var operation = holder.Labels.GetValueOrDefault(OperationLabel, "run");
        return $"Another summit-dr {operation} is working on this platform (PostgreSQL '{options.Postgres.Container}', Neo4j " +
            $"'{options.Neo4j.Container}'): {who}, backup " +
            $"root {holder.Labels.GetValueOrDefault(RootLabel, "unknown")}, since " +
            $"{(holder.Created is { } at ? at.ToString("u", CultureInfo.InvariantCulture) : "an unknown time")}. " +
            "Wait for it to finish: one platform takes one operation at a time, and a lock whose run died is taken over by the next.";
    }
}
