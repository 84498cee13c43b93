using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Discovery;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Stores;
using Summit.Dr.Stores.Postgres;
using Summit.Dr.Stores.Wal;

namespace Summit.Dr.Operations.Kept;

/// <summary>
/// The undo record is an input, never an instruction: before anything of a kept state is put back or freed, every
/// container, image, database, volume, data directory and path it names is rebuilt from the configuration and the
/// platform's discovered containers, and must be the very one summit-dr would have written for that id. Anything
/// else is refused (exit 4) naming the file and the field, with nothing done and the file left for a person.
/// </summary>
public sealed partial class KeptStateCheck(
    PlatformDiscovery discovery, PlatformContainers containers, IOptions<SummitDrOptions> options, PlatformPaths paths)
{
    /// <summary>What a kept tree's mode may hold: permission bits, and setgid or sticky on a directory.</summary>
    private const UnixFileMode TreeModes = (UnixFileMode)0x1FF | UnixFileMode.SetGroup | UnixFileMode.StickyBit;

    public async Task RequireOwnAsync(KeptState state, string file, CancellationToken cancellationToken)
    {
        if (!Id().IsMatch(state.Id))
        {
            throw Refused(file, "id", state.Id, "a restore's local time, yyyyMMdd_HHmmss");
        }

        if (state is { Postgres: null, PostgresData: null, Neo4j: null, Uploads: null })
        {
            return;
        }

        await discovery.ApplyAsync(cancellationToken);
        var settings = options.Value;
        if (state.Postgres is { } pg)
        {
            var live = await containers.PostgresAsync("run `summit-dr undo` again", cancellationToken);
            var database = settings.Postgres.Database;
            Same(file, "postgres.container", pg.Container, live.Name);
            Same(file, "postgres.database", pg.Database, database);
            Same(file, "postgres.kept", pg.Kept, KeptStores.DatabaseName(database, "kept", state.Id));
            Same(file, "postgres.incoming", pg.Incoming, KeptStores.DatabaseName(database, "in", state.Id));
        }

        if (state.PostgresData is { } data)
        {
            var live = await containers.PostgresInspectedAsync(cancellationToken);
            Same(file, "postgresData.container", data.Container, live.Name);
            Same(file, "postgresData.image", data.Image, live.Image);
            Same(file, "postgresData.dataDirectory", data.DataDirectory, PostgresWorkbench.DataDirectoryOf(live));
            Same(file, "postgresData.volume", data.Volume, PostgresDataMoves.VolumeFor(state.Id));
        }

        if (state.Neo4j is { } graph)
        {
            var target = await containers.Neo4jAsync(cancellationToken);
            Same(file, "neo4j.container", graph.Container, target.Container.Name);
            Same(file, "neo4j.database", graph.Database, target.Database);
            Same(file, "neo4j.kept", graph.Kept, KeptStores.Neo4jKept(state.Id));
        }

        if (state.Uploads is { } up)
        {
            var uploads = Path.GetFullPath(paths.Uploads).TrimEnd('/');
            Same(file, "uploads.path", Path.GetFullPath(up.Path).TrimEnd('/'), uploads);
            Same(file, "uploads.kept", up.Kept, KeptStores.UploadsKept(uploads, state.Id));
            if (up.Mode is { } mode && (mode & ~TreeModes) != 0)
            {
                throw Refused(file, "uploads.mode", Convert.ToString((int)mode, 8), "permission bits (a directory's setgid or sticky bit " +
                    "at most)");
            }
        }
    }

    private static void Same(string file, string field, string found, string expected)
    {
        if (!string.Equals(found, expected, StringComparison.Ordinal))
        {
            throw Refused(file, field, found, $"'{expected}', as summit-dr derives it from its configuration");
        }
    }

    private static IntegrityException Refused(string file, string field, string found, string expected) => new(
        $"{file} is not obeyed: its {field} is '{found}', where summit-dr expects {expected}. Nothing was done; the file was changed " +
        "or belongs to another platform. Inspect it, and move it away only once you know what it is.");

    [GeneratedRegex(@"^\d{8}_\d{6}(_\d{1,4})?$")]
    private static partial Regex Id();
}
