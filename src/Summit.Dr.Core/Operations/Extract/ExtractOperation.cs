using System.IO.Enumeration;
using Summit.Dr.Archive;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.IO;
using Summit.Dr.Model;
using Summit.Dr.Operations.Restore;
using Summit.Dr.Steps;
using Summit.Dr.Stores;
using Summit.Dr.Stores.Postgres;

namespace Summit.Dr.Operations.Extract;

/// <param name="Directory">The backup's directory, resolved from the name the user gave (`latest`, a path).</param>
/// <param name="Include">Patterns (`*` and `?`, `*` crossing directories) matched against a file's path under uploads/; none: all.</param>
/// <param name="PostgresSql">Also the PostgreSQL dump, as the SQL `pg_restore` makes of it (run in the PostgreSQL container).</param>
/// <param name="Neo4jDump">Also the Neo4j dump, as it is.</param>
public sealed record ExtractRequest(string Directory, string To, IReadOnlyList<string> Include, bool PostgresSql, bool Neo4jDump);

public sealed record ExtractResult(string Backup, string To, IReadOnlyList<string> Written, int UploadsFiles);

/// <summary>
/// `extract`: what a backup holds, written into a directory of the user's, touching nothing live. The backup is opened as a
/// restore opens it (signature, encryption); every artifact is proven on its way (size, SHA-256, every archive entry) and
/// only what was proven is handed over: the uploads (owners, modes and times as a restore keeps them), on request the
/// PostgreSQL dump as SQL and the Neo4j dump as it is.
/// </summary>
public sealed class ExtractOperation(
    BackupOpener opener, UploadsStaging staging, ArtifactCopy artifacts, PlatformContainers containers, PostgresService postgres,
        DockerCli docker, StepRunner steps)
{
    public async Task<ExtractResult> RunAsync(ExtractRequest request, CancellationToken cancellationToken)
    {
        steps.Begin(dryRun: false);
        var directory = request.Directory;
        var to = Path.GetFullPath(request.To);
        var opened = await opener.OpenAsync(directory, cancellationToken);
        var uploads = opened.Present.Contains(BackupComponent.Uploads);
        if (!uploads && !request.PostgresSql && !request.Neo4jDump)
        {
            throw new UsageException($"{opened.Name} holds no uploads; ask for the stores' dumps with --postgres-sql or --neo4j-dump.");
        }

        var dumps = new[] { (request.PostgresSql, BackupComponent.Postgres), (request.Neo4jDump, BackupComponent.Neo4j) };
        foreach (var (wanted, component) in dumps)
        {
            if (wanted && !opened.Present.Contains(component))
            {
                throw new UsageException($"{opened.Name} holds no {BackupLayout.FileOf(component)}.");
            }
        }

        var written = new List<string>();
        var destinations = new[]
        {
            uploads ? Path.Combine(to, "uploads") : null, request.PostgresSql ? Path.Combine(to, "postgres.sql") : null,
            request.Neo4jDump ? Path.Combine(to, BackupLayout.Neo4jFile) : null,
        };
        foreach (var path in destinations.OfType<string>())
        {
            if (Path.Exists(path))
            {
                throw new UsageException($"{path} already exists: extract writes only what is not there yet. Choose another --to.");
            }
        }

        PrivateFiles.CreateDirectory(to);
        var files = 0;
        if (uploads)
        {
            files = await steps.RunAsync<int>("extract uploads", set => Script.InProcess(
                $"extract {BackupLayout.UploadsFile} into {to}/uploads, every entry checked, the SHA-256 of the whole proven first",
                async (step, token) => set(await UploadsAsync(opened, to, request.Include, step, token))), 0, cancellationToken);
            written.Add(Path.Combine(to, "uploads"));
        }

        if (request.Neo4jDump)
        {
            var dump = Path.Combine(to, BackupLayout.Neo4jFile);
            await steps.RunAsync("extract neo4j dump", () => Script.InProcess(
                $"copy {BackupLayout.Neo4jFile} to {dump}, its SHA-256 proven on the way",
                token => CopyProvenAsync(opened, BackupComponent.Neo4j, dump, token)), cancellationToken);
            written.Add(dump);
        }

        if (request.PostgresSql)
        {
            var sql = Path.Combine(to, "postgres.sql");
            await steps.RunAsync("extract postgres sql", () => Script.InProcess(
                $"pg_restore -f - in the PostgreSQL container, from a copy of {BackupLayout.PostgresFile} proven first, into {sql}",
                token => SqlAsync(opened, sql, token)), cancellationToken);
            written.Add(sql);
        }

        return new ExtractResult(opened.Name, to, written, files);
    }

    private async Task<int> UploadsAsync(
        OpenedBackup opened, string to, IReadOnlyList<string> include, RunningStep step, CancellationToken cancellationToken)
    {
        var target = Path.Combine(to, "uploads");
        var (tree, bytes) = await staging.StageAsync(opened, target, step.Track, cancellationToken);
        using (tree)
        {
            // Nothing is there to keep aside: the proven tree takes its place.
            tree.SwapIn(Path.Combine(to, ".summit-dr-unused"));
        }

        var kept = include.Count == 0 ? tree.Stats.Files : Filter(target, include);
        step.Report(bytes, $"{kept} files into {target}{(include.Count == 0 ? string.Empty : $" (of {tree.Stats.Files}, by --include)")}");
        return kept;
    }

    /// <summary>Removes the files no pattern matches, then the directories left empty; returns the files kept.</summary>
    private static int Filter(string root, IReadOnlyList<string> include)
    {
        var kept = 0;
        foreach (var file in Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true }).ToList())
        {
            var relative = Path.GetRelativePath(root, file);
            if (include.Any(p => FileSystemName.MatchesSimpleExpression(p, relative, ignoreCase: false)))
            {
                kept++;
            }
            else
            {
                File.Delete(file);
            }
        }

        foreach (var dir in Directory.EnumerateDirectories(root, "*", new EnumerationOptions { RecurseSubdirectories = true })
            .OrderByDescending(d => d.Length).ToList())
        {
            if (!Directory.EnumerateFileSystemEntries(dir).Any())
            {
                Directory.Delete(dir);
            }
        }

        return kept;
    }

    /// <summary>An artifact copied to <paramref name="destination"/> only once the copy proved its size and SHA-256; else
    /// nothing.</summary>
    private async Task CopyProvenAsync(
        OpenedBackup opened, BackupComponent component, string destination, CancellationToken cancellationToken)
    {
        var partial = destination + ".partial";
        try
        {
            await artifacts.IntoAsync(opened, component, async (source, token) =>
            {
                await using var copy = PrivateFiles.Create(partial, 1 << 20, useAsync: true);
                await source.CopyToAsync(copy, 1 << 20, token);
            }, step: null, cancellationToken);
            File.Move(partial, destination);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private async Task SqlAsync(OpenedBackup opened, string sql, CancellationToken cancellationToken)
    {
        var container = await containers.PostgresAsync("extract again", cancellationToken);
        var dump = Path.Combine(Path.GetDirectoryName(sql)!, ".summit-dr-" + BackupLayout.PostgresFile);
        await CopyProvenAsync(opened, BackupComponent.Postgres, dump, cancellationToken);
        try
        {
            await using var input = File.OpenRead(dump);
            await using var output = PrivateFiles.Create(sql + ".partial", 1 << 20, useAsync: true);
            var result = await docker.RunAsync(
                postgres.Exec(container.Name, ["pg_restore", "-f", "-"], interactive: true)
                    with { StandardInput = input, StandardOutput = output },
                cancellationToken);
            if (!result.Succeeded)
            {
                throw new OperationFailedException($"pg_restore in container '{container.Name}' could not turn the dump into SQL: " +
                    $"{result.ErrorSummary}");
            }

            await output.FlushAsync(cancellationToken);
            File.Move(sql + ".partial", sql);
        }
        finally
        {
            File.Delete(dump);
            File.Delete(sql + ".partial");
        }
    }
}
