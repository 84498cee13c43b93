using System.Globalization;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Steps;

namespace Summit.Dr.Stores.Postgres;

/// <summary>PostgreSQL through `docker exec`: dump, read a dump back, restore into a database, rename databases, collect facts.</summary>
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

    public string User => _options.User;

    /// <summary>What <see cref="DumpCountingRowsAsync"/> runs: the session that exports its snapshot and counts the rows, and pg_dump in that snapshot.</summary>
    public StepPlan DumpCountingRowsPlan(string container, string artifact) => StepPlan.Of(
        new PlannedCommand(Exec(container, PostgresCommands.Session(_options.User, _options.Database), interactive: true)) { Note = "exports its snapshot, counts every table's rows in it, and stays open until pg_dump is done" },
        new PlannedCommand(Exec(container, PostgresCommands.DumpInSnapshot(_options.User, _options.Database, "<snapshot>"))) { Note = "> " + artifact });

    /// <summary>
    /// `pg_dump -Fc` in the snapshot of a psql session that counts every table's rows in that same snapshot,
    /// so the counts are exactly the rows the dump holds, however busy the database is. The session's
    /// transaction stays open until pg_dump is done (pg_dump imports the snapshot when it starts).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> DumpCountingRowsAsync(string container, Stream output, CancellationToken cancellationToken)
    {
        var commands = new System.IO.Pipelines.Pipe();
        var answers = new LineCollectingStream();
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var psql = _docker.RunAsync(
            Exec(container, PostgresCommands.Session(_options.User, _options.Database), interactive: true) with { StandardInput = commands.Reader.AsStream(), StandardOutput = answers },
            session.Token);
        try
        {
            await commands.Writer.WriteAsync(System.Text.Encoding.UTF8.GetBytes(PostgresCommands.ExportSnapshot), cancellationToken);
            var snapshot = (await answers.WaitForAsync("snapshot\t", psql, cancellationToken)).Split('\t')[1];
            await commands.Writer.WriteAsync(System.Text.Encoding.UTF8.GetBytes(PostgresCommands.CountRows), cancellationToken);
            var dump = await _docker.RunAsync(Exec(container, PostgresCommands.DumpInSnapshot(_options.User, _options.Database, snapshot)) with { StandardOutput = output }, cancellationToken);
            if (!dump.Succeeded)
            {
                throw new OperationFailedException($"pg_dump of database '{_options.Database}' in container '{container}' failed: {dump.ErrorSummary}");
            }

            await answers.WaitForAsync("counted", psql, cancellationToken);
            await commands.Writer.WriteAsync("COMMIT;\n"u8.ToArray(), cancellationToken);
            await commands.Writer.CompleteAsync();
            var ended = await psql;
            if (!ended.Succeeded)
            {
                throw new OperationFailedException($"Counting the rows of database '{_options.Database}' in container '{container}' failed: {ended.ErrorSummary}");
            }

            return ParseRows(answers.Lines);
        }
        finally
        {
            await commands.Writer.CompleteAsync();
            await session.CancelAsync();
            // Cancelled on purpose once pg_dump is done (or failed): how the session ended says nothing more.
            await ((Task)psql).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Exact row counts of every user table of <paramref name="database"/>.</summary>
    public async Task<IReadOnlyDictionary<string, long>> ExactRowCountsAsync(string container, string database, CancellationToken cancellationToken)
    {
        var result = await _docker.RunAsync(Exec(container, PostgresCommands.ExactRowCounts(_options.User, database)), cancellationToken);
        if (!result.Succeeded)
        {
            throw new OperationFailedException($"Cannot count the rows of database '{database}' in container '{container}': {result.ErrorSummary}");
        }

        return ParseRows(result.StandardOutput.Split('\n'));
    }

    /// <summary>Runs <paramref name="sql"/> in <paramref name="database"/>; the number of rows it returned.</summary>
    public async Task<int> SmokeQueryAsync(string container, string database, string sql, CancellationToken cancellationToken)
    {
        var result = await _docker.RunAsync(Exec(container, ["psql", "-U", _options.User, "-d", database, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]), cancellationToken);
        return result.Succeeded
            ? result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length
            : throw new OperationFailedException($"The drill's SQL query failed: {result.ErrorSummary}");
    }

    private static SortedDictionary<string, long> ParseRows(IEnumerable<string> lines)
    {
        var rows = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var parts in lines.Select(l => l.Split('\t')).Where(p => p.Length == 3 && p[0] == "rows"))
        {
            rows[parts[1]] = long.Parse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture);
        }

        return rows;
    }

    /// <summary>What <see cref="ListArchiveAsync"/> runs, reading <paramref name="source"/>.</summary>
    public PlannedCommand ListArchiveCommand(string container, string source) =>
        new(Exec(container, PostgresCommands.ListArchive(), interactive: true)) { Note = "< " + source };

    /// <summary>`pg_restore --list` over <paramref name="dump"/> (it reads only the table of contents); the number of entries.</summary>
    public async Task<int> ListArchiveAsync(string container, Stream dump, string file, CancellationToken cancellationToken)
    {
        var spec = Exec(container, PostgresCommands.ListArchive(), interactive: true) with { StandardInput = dump };
        var result = await _docker.RunAsync(spec, cancellationToken);
        if (!result.Succeeded)
        {
            throw new IntegrityException($"pg_restore cannot read {file}: {result.ErrorSummary}");
        }

        return result.StandardOutput.Split('\n').Count(line => line.Length > 0 && !line.StartsWith(';'));
    }

    /// <summary>Reads the whole dump through `pg_restore` without restoring it: the check for a dump with no checksum.</summary>
    public async Task ReadArchiveFullyAsync(string container, Stream dump, string file, CancellationToken cancellationToken)
    {
        var spec = Exec(container, PostgresCommands.ReadWholeArchive(), interactive: true) with { StandardInput = dump };
        var result = await _docker.RunAsync(spec, cancellationToken);
        if (!result.Succeeded)
        {
            throw new IntegrityException($"pg_restore cannot read {file} to its end: {result.ErrorSummary}");
        }
    }

    public ProcessSpec DropSpec(string container, string database) => Exec(container, PostgresCommands.DropDatabase(_options.User, database));

    public ProcessSpec CreateSpec(string container, string database) => Exec(container, PostgresCommands.CreateDatabase(_options.User, database));

    /// <summary>pg_restore from the verified copy of the dump, as the copy's owner.</summary>
    public ProcessSpec RestoreSpec(IncomingDump dump, string database) => Exec(dump.Container, PostgresCommands.Restore(_options.User, database, dump.Path), user: dump.Owner);

    /// <summary>What <see cref="RestoreIntoAsync"/> runs.</summary>
    public StepPlan RestoreIntoPlan(IncomingDump dump, string database) => StepPlan.Of(
        new PlannedCommand(DropSpec(dump.Container, database)) { Note = "what holds the name, if anything: it is this run's own" },
        CreateSpec(dump.Container, database),
        new PlannedCommand(RestoreSpec(dump, database)) { Note = "from the verified copy, once its SHA-256 matched" });

    /// <summary>
    /// Creates <paramref name="database"/> afresh (dropping what holds the name: the name is the caller's own,
    /// a leftover of a run that died or a scratch server's empty database) and restores the verified copy of the
    /// dump into it with `pg_restore`. The live database is not touched.
    /// </summary>
    public async Task RestoreIntoAsync(IncomingDump dump, string database, CancellationToken cancellationToken)
    {
        await DropAsync(dump.Container, database, cancellationToken);
        await RequireAsync(CreateSpec(dump.Container, database), dump.Container, database, "create", cancellationToken);
        await RequireAsync(RestoreSpec(dump, database), dump.Container, database, "restore", cancellationToken);
    }

    /// <summary>What <see cref="ReadCopyAsync"/> runs.</summary>
    public StepPlan ReadCopyPlan(IncomingDump dump) => StepPlan.Of(
        Exec(dump.Container, PostgresCommands.ListArchive(dump.Path), user: dump.Owner),
        Exec(dump.Container, PostgresCommands.ReadWholeArchive(dump.Path), user: dump.Owner));

    /// <summary>
    /// A dump with no manifest to check it against: pg_restore reads the copy's table of contents and every data block
    /// (<see cref="IntegrityException"/> when it cannot). Returns the number of entries.
    /// </summary>
    public async Task<int> ReadCopyAsync(IncomingDump dump, CancellationToken cancellationToken)
    {
        var list = await _docker.RunAsync(Exec(dump.Container, PostgresCommands.ListArchive(dump.Path), user: dump.Owner), cancellationToken);
        if (!list.Succeeded)
        {
            throw new IntegrityException($"pg_restore cannot read {BackupFile}: {list.ErrorSummary}");
        }

        var read = await _docker.RunAsync(Exec(dump.Container, PostgresCommands.ReadWholeArchive(dump.Path), user: dump.Owner), cancellationToken);
        return read.Succeeded
            ? list.StandardOutput.Split('\n').Count(line => line.Length > 0 && !line.StartsWith(';'))
            : throw new IntegrityException($"pg_restore cannot read {BackupFile} to its end: {read.ErrorSummary}");
    }

    private const string BackupFile = BackupLayout.PostgresFile;

    /// <summary>Drops a database if it exists, ending its sessions.</summary>
    public Task DropAsync(string container, string database, CancellationToken cancellationToken) =>
        RequireAsync(DropSpec(container, database), container, database, "drop", cancellationToken);

    /// <summary>
    /// Renames databases in one transaction (for example live → kept and restored → live), after ending their
    /// sessions. If it fails, every database keeps its name and takes connections again.
    /// </summary>
    public async Task RenameAsync(string container, IReadOnlyList<(string From, string To)> renames, CancellationToken cancellationToken)
    {
        var maintenance = PostgresCommands.MaintenanceFor([.. renames.Select(r => r.From), .. renames.Select(r => r.To)]);
        var result = await _docker.RunAsync(RenameSpec(container, renames), cancellationToken);
        if (!result.Succeeded)
        {
            await _docker.RunAsync(Exec(container, PostgresCommands.AllowConnections(_options.User, maintenance, renames.Select(r => r.From))), CancellationToken.None);
            var error = PostgresError.Parse(result);
            throw new PostgresException(
                $"Could not rename {string.Join(", ", renames.Select(r => $"'{r.From}' to '{r.To}'"))} in container '{container}': {error.Message}", error.SqlState);
        }
    }

    /// <summary>What <see cref="RenameAsync"/> runs.</summary>
    public ProcessSpec RenameSpec(string container, IReadOnlyList<(string From, string To)> renames) =>
        Exec(container, PostgresCommands.Rename(_options.User, PostgresCommands.MaintenanceFor([.. renames.Select(r => r.From), .. renames.Select(r => r.To)]), renames));

    /// <summary>The databases of the server.</summary>
    public async Task<IReadOnlySet<string>> DatabasesAsync(string container, CancellationToken cancellationToken)
    {
        var result = await _docker.RunAsync(Exec(container, PostgresCommands.ListDatabases(_options.User, PostgresCommands.MaintenanceFor())), cancellationToken);
        return result.Succeeded
            ? result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal)
            : throw new OperationFailedException($"Cannot list the databases in container '{container}': {result.ErrorSummary}. Check Postgres:User.");
    }

    /// <summary>The size in bytes of each named database that exists.</summary>
    public async Task<IReadOnlyDictionary<string, long>> SizesAsync(string container, IReadOnlyCollection<string> databases, CancellationToken cancellationToken)
    {
        var result = await _docker.RunAsync(Exec(container, PostgresCommands.DatabaseSizes(_options.User, PostgresCommands.MaintenanceFor(), databases)), cancellationToken);
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in result.Succeeded ? result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [])
        {
            var parts = line.Split('\t');
            if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var bytes))
            {
                sizes[parts[0]] = bytes;
            }
        }

        return sizes;
    }

    /// <summary>What <see cref="CollectFactsAsync"/> runs.</summary>
    public ProcessSpec FactsSpec(string container, string? database = null) => Exec(container, PostgresCommands.Facts(_options.User, database ?? _options.Database));

    /// <summary>Facts about the configured database, or about <paramref name="database"/> (a restored copy before it is swapped in).</summary>
    public async Task<PostgresFacts> CollectFactsAsync(string container, CancellationToken cancellationToken, string? database = null)
    {
        database ??= _options.Database;
        var result = await _docker.RunAsync(FactsSpec(container, database), cancellationToken);
        if (!result.Succeeded)
        {
            throw new OperationFailedException($"Cannot query database '{database}' in container '{container}': {result.ErrorSummary}. Check Postgres:User and Postgres:Database.");
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

    private async Task RequireAsync(ProcessSpec spec, string container, string database, string what, CancellationToken cancellationToken) =>
        Require(await _docker.RunAsync(spec, cancellationToken), container, database, what);

    private static void Require(ProcessResult result, string container, string database, string what)
    {
        if (!result.Succeeded)
        {
            if (DiskFull.IsIn(result.StandardError))
            {
                throw new DiskFullException($"Could not {what} database '{database}' in container '{container}': the database server's disk is full ({result.ErrorSummary}).");
            }

            throw new OperationFailedException($"Could not {what} database '{database}' in container '{container}': {result.ErrorSummary}");
        }
    }

    /// <summary>A command of PostgreSQL's client tools in <paramref name="container"/>; the password, when set, travels in the environment.</summary>
    public ProcessSpec Exec(string container, IReadOnlyList<string> command, bool interactive = false, string? user = null)
    {
        var hasPassword = !string.IsNullOrEmpty(_options.Password);
        var spec = _docker.Spec(DockerArgs.Exec(container, command, hasPassword ? PostgresCommands.PasswordEnvironment : null, interactive, user));
        return hasPassword ? spec with { Environment = new Dictionary<string, string> { ["PGPASSWORD"] = _options.Password! } } : spec;
    }
}
