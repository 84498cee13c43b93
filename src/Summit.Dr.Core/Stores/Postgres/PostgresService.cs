using System.Globalization;
using Microsoft.Extensions.Options;
using Summit.Dr.Configuration;
using Summit.Dr.Engine.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Steps;

namespace Summit.Dr.Stores.Postgres;

/// <summary>PostgreSQL through `docker exec`: dump, read a dump back, restore into a database, rename databases, collect facts.</summary>
public sealed partial class PostgresService
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

    /// <summary>Exact row counts of every user table of <paramref name="database"/>.</summary>
    public async Task<IReadOnlyDictionary<string, long>> ExactRowCountsAsync(
        string container, string database, CancellationToken cancellationToken)
    {
        var result = await _docker.RunAsync(Exec(container, PostgresCommands.ExactRowCounts(_options.User, database)), cancellationToken);
        if (!result.Succeeded)
        {
            throw new OperationFailedException($"Cannot count the rows of database '{database}' in container '{container}': " +
                $"{result.ErrorSummary}");
        }

        return ParseRows(result.StandardOutput.Split('\n'));
    }

    /// <summary>Runs <paramref name="sql"/> in <paramref name="database"/>; the number of rows it returned.</summary>
    public async Task<int> SmokeQueryAsync(string container, string database, string sql, CancellationToken cancellationToken)
    {
        var result = await _docker.RunAsync(
            Exec(container, ["psql", "-U", _options.User, "-d", database, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]),
            cancellationToken);
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

    /// <summary>Drops a database if it exists, ending its sessions.</summary>
    public Script Drop(string container, string database) =>
        Script.Of(new RunCommand(DropSpec(container, database), Requiring(container, database, "drop")));

    /// <summary>
    /// Renames databases in one transaction (for example live → kept and restored → live), after ending their
    /// sessions. If it fails, every database keeps its name and takes connections again, and the step fails with
    /// a <see cref="PostgresException"/> carrying PostgreSQL's error code; <paramref name="failed"/>, when given,
    /// may answer that instead.
    /// </summary>
    public RunCommand Rename(
        string container, IReadOnlyList<(string From, string To)> renames, Func<PostgresException, ScriptContext, Task>? failed = null)
    {
        var maintenance = PostgresCommands.MaintenanceFor([.. renames.Select(r => r.From), .. renames.Select(r => r.To)]);
        return new RunCommand(Exec(container, PostgresCommands.Rename(_options.User, maintenance, renames)), async (result, context) =>
        {
            if (result.Succeeded)
            {
                return;
            }

            await _docker.RunAsync(
                Exec(container, PostgresCommands.AllowConnections(_options.User, maintenance, renames.Select(r => r.From))),
                CancellationToken.None);
            var error = PostgresError.Parse(result);
            var exception = new PostgresException(
                $"Could not rename {string.Join(", ", renames.Select(r => $"'{r.From}' to '{r.To}'"))} in container '{container}': " +
                    $"{error.Message}", error.SqlState);
            if (failed is null)
            {
                throw exception;
            }

            await failed(exception, context);
        });
    }

    private static Func<ProcessResult, ScriptContext, Task> Requiring(string container, string database, string what) => (result, _) =>
    {
        Require(result, container, database, what);
        return Task.CompletedTask;
    };

    private ProcessSpec DropSpec(string container, string database) =>
        Exec(container, PostgresCommands.DropDatabase(_options.User, database));

    private ProcessSpec RecreateSpec(string container, string database) =>
        Exec(container, PostgresCommands.RecreateDatabase(_options.User, database));

    /// <summary>The databases of the server.</summary>
    public async Task<IReadOnlySet<string>> DatabasesAsync(string container, CancellationToken cancellationToken)
    {
        var result = await _docker.RunAsync(
            Exec(container, PostgresCommands.ListDatabases(_options.User, PostgresCommands.MaintenanceFor())), cancellationToken);
        return result.Succeeded
            ? result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(
                StringComparer.Ordinal)
            : throw new OperationFailedException($"Cannot list the databases in container '{container}': {result.ErrorSummary}. Check " +
                $"Postgres:User.");
    }

    /// <summary>The size in bytes of each named database that exists.</summary>
    public async Task<IReadOnlyDictionary<string, long>> SizesAsync(
        string container, IReadOnlyCollection<string> databases, CancellationToken cancellationToken)
    {
        var result = await _docker.RunAsync(
            Exec(container, PostgresCommands.DatabaseSizes(_options.User, PostgresCommands.MaintenanceFor(), databases)),
            cancellationToken);
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

    /// <summary>The facts query, of the configured database unless <paramref name="database"/> names another.</summary>
    public ProcessSpec FactsSpec(string container, string? database = null) =>
        Exec(container, PostgresCommands.Facts(_options.User, database ?? _options.Database));

    /// <summary>Facts about the configured database, or about <paramref name="database"/> (a restored copy before it is swapped
    /// in).</summary>
    public async Task<PostgresFacts> CollectFactsAsync(string container, string? database, CancellationToken cancellationToken)
    {
        database ??= _options.Database;
        return Facts(await _docker.RunAsync(FactsSpec(container, database), cancellationToken), container, database);
    }

    /// <summary>The restored copy's table count must be <paramref name="tables"/>, the manifest's, before anything is swapped.</summary>
    public Script RequireTables(string container, string database, int tables) =>
        Script.Of(new RunCommand(FactsSpec(container, database), (result, _) =>
        {
            var facts = Facts(result, container, database);
            return facts.TableCount == tables
                ? Task.CompletedTask
                : throw new OperationFailedException($"PostgreSQL has {facts.TableCount} tables after the restore, the backup recorded " +
                    $"{tables}.");
        }) { Note = $"its table count must be the manifest's {tables}" });

    /// <summary>What the facts query answered; a failure to answer is an <see cref="OperationFailedException"/> that says what to
    /// check.</summary>
    public static PostgresFacts Facts(ProcessResult result, string container, string database)
    {
        if (!result.Succeeded)
        {
            throw new OperationFailedException($"Cannot query database '{database}' in container '{container}': {result.ErrorSummary}. " +
                $"Check Postgres:User and Postgres:Database.");
        }

        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var rows = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var size = lines.Length > 1 && long.TryParse(lines[1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var bytes)
            ? bytes : 0;
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

    private static void Require(ProcessResult result, string container, string database, string what)
    {
        if (!result.Succeeded)
        {
            if (DiskFull.IsIn(result.StandardError))
            {
                throw new DiskFullException($"Could not {what} database '{database}' in container '{container}': the database server's " +
                    $"disk is full ({result.ErrorSummary}).");
            }

            throw new OperationFailedException($"Could not {what} database '{database}' in container '{container}': {result.ErrorSummary}");
        }
    }

    /// <summary>A command of PostgreSQL's client tools in <paramref name="container"/>; the password, when set, travels in the
    /// environment.</summary>
    public ProcessSpec Exec(string container, IReadOnlyList<string> command, bool interactive = false, string? user = null)
    {
        var hasPassword = !string.IsNullOrEmpty(_options.Password);
        var spec = _docker.Spec(
            DockerArgs.Exec(container, command, hasPassword ? PostgresCommands.PasswordEnvironment : null, interactive, user));
        return hasPassword ? spec with { Environment = new Dictionary<string, string> { ["PGPASSWORD"] = _options.Password! } } : spec;
    }
}
