using System.Globalization;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Processes;

namespace Summit.Dr.Postgres;

/// <summary>PostgreSQL through `docker exec`: dump, read a dump back, and collect facts.</summary>
public sealed class PostgresService
{
    private readonly DockerCli _docker;
    private readonly PostgresOptions _options;

    public PostgresService(DockerCli docker, IOptions<SummitDrOptions> options)
    {
        _docker = docker;
        _options = options.Value.Postgres;
    }

    public string Container => _options.Container;

    public string Database => _options.Database;

    public ProcessSpec DumpSpec(string container) => Exec(container, PostgresCommands.Dump(_options.User, _options.Database));

    /// <summary>Streams `pg_dump -Fc` out of the container (no TTY, so the bytes are not mangled).</summary>
    public async Task DumpAsync(string container, Stream output, CancellationToken cancellationToken)
    {
        var result = await _docker.RunAsync(DumpSpec(container) with { StandardOutput = output }, cancellationToken);
        if (!result.Succeeded)
        {
            throw new OperationFailedException($"pg_dump of database '{_options.Database}' in container '{container}' failed: {result.ErrorSummary}");
        }
    }

    /// <summary>Reads a custom-format dump's table of contents with `pg_restore --list`; returns the number of entries.</summary>
    public async Task<int> ListArchiveAsync(string container, string dumpPath, CancellationToken cancellationToken)
    {
        await using var input = ArtifactFiles.OpenRead(dumpPath);
        var spec = Exec(container, PostgresCommands.ListArchive(), interactive: true) with { StandardInput = input };
        var result = await _docker.RunAsync(spec, cancellationToken);
        if (!result.Succeeded)
        {
            throw new IntegrityException($"pg_restore cannot read {Path.GetFileName(dumpPath)}: {result.ErrorSummary}");
        }

        return result.StandardOutput.Split('\n').Count(line => line.Length > 0 && !line.StartsWith(';'));
    }

    public ProcessSpec DropSpec(string container) => Exec(container, PostgresCommands.DropDatabase(_options.User, _options.Database));

    public ProcessSpec CreateSpec(string container) => Exec(container, PostgresCommands.CreateDatabase(_options.User, _options.Database));

    public ProcessSpec RestoreSpec(string container) => Exec(container, PostgresCommands.Restore(_options.User, _options.Database), interactive: true);

    /// <summary>Drops and recreates the database, then streams the dump into `pg_restore` through `docker exec -i`.</summary>
    public async Task RestoreAsync(string container, string dumpPath, CancellationToken cancellationToken)
    {
        await RequireAsync(DropSpec(container), container, "drop", cancellationToken);
        await RequireAsync(CreateSpec(container), container, "create", cancellationToken);
        await using var input = ArtifactFiles.OpenRead(dumpPath);
        await RequireAsync(RestoreSpec(container) with { StandardInput = input }, container, "restore", cancellationToken);
    }

    /// <summary>Reads the whole dump through `pg_restore` without restoring it: the check for a dump with no checksum.</summary>
    public async Task ReadArchiveFullyAsync(string container, string dumpPath, CancellationToken cancellationToken)
    {
        await using var input = ArtifactFiles.OpenRead(dumpPath);
        var spec = Exec(container, PostgresCommands.ReadWholeArchive(), interactive: true) with { StandardInput = input };
        var result = await _docker.RunAsync(spec, cancellationToken);
        if (!result.Succeeded)
        {
            throw new IntegrityException($"pg_restore cannot read {Path.GetFileName(dumpPath)} to its end: {result.ErrorSummary}");
        }
    }

    public async Task<PostgresFacts> CollectFactsAsync(string container, CancellationToken cancellationToken)
    {
        var spec = Exec(container, PostgresCommands.Facts(_options.User, _options.Database));
        var result = await _docker.RunAsync(spec, cancellationToken);
        if (!result.Succeeded)
        {
            throw new OperationFailedException($"Cannot query database '{_options.Database}' in container '{container}': {result.ErrorSummary}. Check Postgres:User and Postgres:Database.");
        }

        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var rows = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var size = lines.Length > 1 && long.TryParse(lines[1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var bytes) ? bytes : 0;
        foreach (var line in lines.Skip(2))
        {
            var parts = line.Split('\t');
            if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var estimate))
            {
                rows[parts[0]] = estimate;
            }
        }

        return new PostgresFacts(lines.FirstOrDefault()?.Trim() ?? "unknown", size, rows.Count, rows);
    }

    private async Task RequireAsync(ProcessSpec spec, string container, string what, CancellationToken cancellationToken)
    {
        var result = await _docker.RunAsync(spec, cancellationToken);
        if (!result.Succeeded)
        {
            throw new OperationFailedException($"Could not {what} database '{_options.Database}' in container '{container}': {result.ErrorSummary}");
        }
    }

    private ProcessSpec Exec(string container, IReadOnlyList<string> command, bool interactive = false)
    {
        var hasPassword = !string.IsNullOrEmpty(_options.Password);
        var spec = _docker.Spec(DockerArgs.Exec(container, command, hasPassword ? PostgresCommands.PasswordEnvironment : null, interactive));
        return hasPassword ? spec with { Environment = new Dictionary<string, string> { ["PGPASSWORD"] = _options.Password! } } : spec;
    }
}
