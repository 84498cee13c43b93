using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Discovery;
using Summit.Dr.Errors;

namespace Summit.Dr.Stores.Neo4j;

/// <summary>
/// The stop journal is an input, never an instruction: the only container summit-dr stops is the platform's Neo4j,
/// and the only directories it makes in Neo4j's volume are its own scratch directories, named by kind and a run's
/// time. A journal that names another container, or another path, is refused (exit 4) naming the field; nothing is
/// started or removed, and the file is left for a person.
/// </summary>
public sealed partial class StopJournalCheck(PlatformDiscovery discovery, IOptions<SummitDrOptions> options)
{
    /// <summary>The Neo4j container as this run's discovery chooses it: the one a journal may name.</summary>
    public async Task<string> Neo4jAsync(CancellationToken cancellationToken)
    {
        await discovery.ApplyAsync(cancellationToken);
        return options.Value.Neo4j.Container;
    }

    public static void RequireOwn(StopJournalRecord record, string file, string neo4j)
    {
        foreach (var container in record.Containers.Where(c => c != neo4j))
        {
            throw Refused(file, "containers", container, $"the platform's Neo4j container '{neo4j}'");
        }

        foreach (var scratch in record.Scratch)
        {
            if (scratch.Container != neo4j)
            {
                throw Refused(file, "scratch.container", scratch.Container, $"the platform's Neo4j container '{neo4j}'");
            }

            if (!IsScratch(scratch.Path))
            {
                throw Refused(file, "scratch.path", scratch.Path, $"a scratch directory summit-dr makes, " +
                    $"{Neo4jDataDirectory.Prefix}KIND-TIME");
            }
        }
    }

    /// <summary>A scratch directory of summit-dr's: a snapshot, a staging store or a copy of a dump, named by a run's local time.</summary>
    public static bool IsScratch(string path) => Scratch().IsMatch(path);

    private static IntegrityException Refused(string file, string field, string found, string expected) => new(
        $"{file} is not obeyed: its {field} names '{found}', where summit-dr expects {expected}. Nothing was started or removed; " +
        "the file was changed or belongs to another platform. Inspect it, and move it away only once you know what it is.");

    [GeneratedRegex(@"^/data/summit-dr-scratch-(snapshot|staging|incoming)-(incomplete-)?\d{8}_\d{6}[A-Za-z0-9_-]{0,40}$")]
    private static partial Regex Scratch();
}
